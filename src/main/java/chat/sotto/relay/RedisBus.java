package chat.sotto.relay;

import chat.sotto.common.Base64Url;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The multi-node bus: every node publishes room events on one Redis pub/sub channel and delivers what it receives to
 * its own connections. Presence lives in Redis too: a hash per room with one field per node (that node's online
 * sessions), and a heartbeat key per node, so that a dead node's members vanish from presence within seconds.
 *
 * <p>If the subscription breaks, events published meanwhile are lost to this node; when it resubscribes it closes its
 * connections with 1012 so that every client reconnects and resumes from its last sequence number: nothing stored
 * is lost.
 */
@ApplicationScoped
@Typed(RedisBus.class)
public class RedisBus implements RoomBus {
  static final String EVENTS = "sotto:events";
  private static final Logger LOG = Logger.getLogger(RedisBus.class.getName());
  private static final String NODES = "sotto:nodes";
  private static final long NODE_TTL_SECONDS = 15;
  private static final long HEARTBEAT_SECONDS = 5;
  private static final int TIMEOUT_MILLIS = 2_000;

  @Inject LocalRooms local;

  @Inject
  @ConfigProperty(name = "sotto.redis.url", defaultValue = "redis://127.0.0.1:6379")
  String url;

  @Resource ManagedThreadFactory threads;
  @Resource ManagedScheduledExecutorService scheduler;

  private final String nodeId = Base64Url.random(9);
  private JedisPool pool;
  private volatile boolean running = true;
  private volatile boolean subscribed;
  private volatile boolean missedEvents;
  private volatile JedisPubSub subscription;
  private ScheduledFuture<?> heartbeat;

  @PostConstruct
  void start() {
    JedisPoolConfig config = new JedisPoolConfig();
    config.setMaxTotal(32);
    config.setMaxWait(java.time.Duration.ofMillis(TIMEOUT_MILLIS));
    pool = new JedisPool(config, URI.create(url), TIMEOUT_MILLIS);
    threads.newThread(this::subscribeLoop).start();
    heartbeat = scheduler.scheduleWithFixedDelay(this::heartbeat, 0, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    running = false;
    heartbeat.cancel(false);
    JedisPubSub s = subscription;
    if (s != null && s.isSubscribed()) {
      s.unsubscribe();
    }
    try (Jedis j = pool.getResource()) {
      j.srem(NODES, nodeId);
      j.del(nodeKey(nodeId));
    } catch (JedisException e) {
      // Redis is gone: the other nodes sweep this node's presence when its heartbeat expires
    }
    pool.close();
  }

  @Override
  public void publish(RoomEvent event) {
    String encoded = encode(event);
    try {
      redis(j -> j.publish(EVENTS, encoded));
    } catch (JedisException e) {
      LOG.log(Level.WARNING, "could not publish a room event: {0}", e.getClass().getName());
      // The sender's own node still delivers, so its members see the message; the others resume from the database.
      local.deliver(event);
    }
  }

  @Override
  public void presenceChanged(RoomId roomId) {
    Set<SessionId> mine = local.online(roomId);
    redis(
        j -> {
          if (mine.isEmpty()) {
            j.hdel(presenceKey(roomId), nodeId);
            j.srem(nodeRoomsKey(nodeId), roomId.value());
          } else {
            j.hset(presenceKey(roomId), nodeId, joined(mine));
            j.sadd(nodeRoomsKey(nodeId), roomId.value());
          }
          return null;
        });
  }

  @Override
  public Set<SessionId> online(RoomId roomId) {
    return redis(j -> union(j, roomId));
  }

  @Override
  public boolean available() {
    return subscribed;
  }

  // Runs a command, once more on a fresh connection if the pooled one broke (e.g. Redis restarted since).
  private <T> T redis(Function<Jedis, T> command) {
    try (Jedis j = pool.getResource()) {
      return command.apply(j);
    } catch (JedisConnectionException stale) {
      try (Jedis j = pool.getResource()) {
        return command.apply(j);
      }
    }
  }

  private Set<SessionId> union(Jedis j, RoomId roomId) {
    Set<SessionId> ids = new LinkedHashSet<>();
    for (Map.Entry<String, String> field : j.hgetAll(presenceKey(roomId)).entrySet()) {
      if (field.getKey().equals(nodeId)) {
        continue;
      }
      for (String id : field.getValue().split(" ")) {
        if (!id.isEmpty()) {
          ids.add(new SessionId(id));
        }
      }
    }
    ids.addAll(local.online(roomId));
    return ids;
  }

  private void subscribeLoop() {
    while (running) {
      try (Jedis j = new Jedis(URI.create(url), TIMEOUT_MILLIS)) {
        JedisPubSub s = new Subscription();
        subscription = s;
        j.subscribe(s, EVENTS);
      } catch (JedisException e) {
        LOG.log(Level.WARNING, "redis subscription lost: {0}", e.getClass().getName());
      }
      if (subscribed) {
        missedEvents = true;
      }
      subscribed = false;
      if (running) {
        pause(1_000);
      }
    }
  }

  // Keeps this node's heartbeat and sweeps the presence of nodes whose heartbeat expired.
  private void heartbeat() {
    try (Jedis j = pool.getResource()) {
      j.setex(nodeKey(nodeId), NODE_TTL_SECONDS, "1");
      j.sadd(NODES, nodeId);
      for (String node : j.smembers(NODES)) {
        if (!node.equals(nodeId) && !j.exists(nodeKey(node))) {
          for (String room : j.smembers(nodeRoomsKey(node))) {
            RoomId roomId = new RoomId(room);
            j.hdel(presenceKey(roomId), node);
            publish(RoomEvent.broadcast(roomId, Frames.presence(union(j, roomId))));
          }
          j.del(nodeRoomsKey(node));
          j.srem(NODES, node);
        }
      }
      for (RoomId roomId : local.roomIds()) {
        j.hset(presenceKey(roomId), nodeId, joined(local.online(roomId)));
      }
    } catch (JedisException | IllegalStateException | IllegalArgumentException e) {
      LOG.log(Level.FINE, "heartbeat skipped: {0}", e.getClass().getName());
    }
  }

  static String encode(RoomEvent e) {
    return e.kind().name() + '|' + e.roomId().value() + '|' + (e.sessionId() == null ? "" : e.sessionId().value())
        + '|' + e.seq() + '|' + (e.frame() == null ? "" : e.frame());
  }

  static RoomEvent decode(String text) {
    String[] p = text.split("\\|", 5);
    return new RoomEvent(
        RoomEvent.Kind.valueOf(p[0]),
        new RoomId(p[1]),
        p[2].isEmpty() ? null : new SessionId(p[2]),
        Long.parseLong(p[3]),
        p[4].isEmpty() ? null : p[4]);
  }

  // A node's online sessions of a room, as one hash field: their IDs separated by spaces.
  private static String joined(Set<SessionId> ids) {
    StringBuilder b = new StringBuilder(ids.size() * 23);
    for (SessionId id : ids) {
      b.append(b.length() == 0 ? "" : " ").append(id.value());
    }
    return b.toString();
  }

  private static String presenceKey(RoomId roomId) {
    return "sotto:presence:" + roomId.value();
  }

  private static String nodeKey(String node) {
    return "sotto:node:" + node;
  }

  private static String nodeRoomsKey(String node) {
    return "sotto:node-rooms:" + node;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Subscription extends JedisPubSub {
    @Override
    public void onSubscribe(String channel, int count) {
      subscribed = true;
      if (missedEvents) {
        missedEvents = false;
        local.restartAll();
      }
    }

    @Override
    public void onMessage(String channel, String message) {
      try {
        local.deliver(decode(message));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "dropped a malformed room event: {0}", e.getClass().getName());
      }
    }
  }
}
