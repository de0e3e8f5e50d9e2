package chat.sotto.web;

import chat.sotto.common.JsonError;
import chat.sotto.common.Reason;
import chat.sotto.file.FileResource;
import chat.sotto.file.FileShape;
import chat.sotto.metrics.Edge;
import chat.sotto.metrics.RelayMetrics;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Bounds every request body of the API before anything reads it: the API's bodies are tiny, and an unbounded one
 * (300 MB read into a String) once took the heap. Pages and the WebSocket take no body and read none. Liberty's own {@code MessageSizeLimit} is not
 * used as a backstop: above it Liberty answers 413 itself, with an empty body instead of the API's JSON error. A declared Content-Length above the limit is refused at once, unread;
 * a body without one (chunked) is read here up to the limit, and refused as soon as it passes it. Either way the answer
 * is 413 {@code too_large} and the connection is closed, so that the rest of the body is never read.
 *
 * <p>One path has a larger bound: a chunk upload ({@code PUT} of {@link FileResource#CHUNK_UPLOAD}) may carry one
 * chunk's ciphertext, {@link FileShape#MAX_CHUNK_BYTES}. Its body is buffered here only when its length is not declared;
 * with a declared length the container delivers no more than that, and the resource reads it with a bound of its own.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class BodyLimitFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Inject
  @ConfigProperty(name = "sotto.http.max-body-bytes", defaultValue = "16384")
  int maxBodyBytes;

  @Inject RelayMetrics metrics;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    boolean chunkUpload = isChunkUpload(request);
    int limit = chunkUpload ? FileShape.MAX_CHUNK_BYTES : maxBodyBytes;
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      refuse(response);
      return;
    }
    if (declared == 0
        || (declared < 0 && request.getHeader("Transfer-Encoding") == null)
        || (declared > 0 && chunkUpload)) {
      chain.doFilter(request, response);
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(limit + 1);
    }
    if (body.length > limit) {
      refuse(response);
      return;
    }
    chain.doFilter(new BufferedBody(request, body), response);
  }

  private static boolean isChunkUpload(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return "PUT".equals(request.getMethod()) && FileResource.CHUNK_UPLOAD.matcher(path).matches();
  }

  private void refuse(HttpServletResponse response) throws IOException {
    metrics.refused(Edge.REST, Reason.TOO_LARGE);
    // Closing is the only way not to read the rest: keeping the connection would mean draining the whole body.
    response.setHeader("Connection", "close");
    JsonError.write(response, Reason.TOO_LARGE);
  }

  /** The request with its (small, already read) body served from memory. */
  private static final class BufferedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("the body was read already");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
    }
  }
}
