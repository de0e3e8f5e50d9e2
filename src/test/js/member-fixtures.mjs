// Fixed member keys for known-answer tests: P-256 private keys made once with WebCrypto (generateKey, exportKey
// 'jwk') and written down here, so safety codes, key tags, signatures and wraps can be pinned.

import { publicKeysOf } from '../../main/webapp/js/trust/member-keys.js';

export const JWK = {
  alice: {
    sign: {
      d: 'zJ65wmmLlGNo9revbP29yxP-6HwYuPKWVF3sXfLPu8M',
      x: 'heRbtmpxEnXZy1wHTvKr2wcZJgSNWrQJ2D7-8z6K-18',
      y: 'g2zl5EsUWr6NZj9M-iSWrxGBWlfKD9aV62nx9cLqs8k',
    },
    dh: {
      d: '0kHDexP0fWk0LXyZcw0eEuPjqDM8GqAelI02ECwJT1g',
      x: 'GZkXdAvpa5ks3jmm94EGxDEQRS6a49eNjhR-QQ2HOHc',
      y: 'GPI2M_uIiNzWo7MK2Z7jLPgE1l97wwqz_MmWGQp0AYo',
    },
  },
  bob: {
    sign: {
      d: 'r-XqPhqvrPVOaBLxK0rZtUE8cbuW79hTjzcSk1Sy4c4',
      x: 'YFlume6nLCPHfmIAzXt_61l7vi4GBhJpX1XxaAzFHfU',
      y: '0edlevVmzv0qHdprZ8qDdb06rSmiQleEqZ8GRXzjOKc',
    },
    dh: {
      d: 'qcxVnkGvbyGP2IV0MQC9ujokjLwUQ7gTeE6aRTvQgEk',
      x: 'mSVmlw9s6WwA79eGSO0ekLvguhEVrsDJSeIH5a39FkU',
      y: '6JaYb_A_Jv8wFcC_vtOKaF-W00eheS07xLGwD05c7qo',
    },
  },
};

async function pair(name, { d, x, y }) {
  const alg = { name, namedCurve: 'P-256' };
  const jwk = { kty: 'EC', crv: 'P-256', x, y };
  const [privateUsages, publicUsages] = name === 'ECDSA' ? [['sign'], ['verify']] : [['deriveBits', 'deriveKey'], []];
  return {
    privateKey: await crypto.subtle.importKey('jwk', { ...jwk, d }, alg, false, privateUsages),
    publicKey: await crypto.subtle.importKey('jwk', jwk, alg, true, publicUsages),
  };
}

/** The member keys of `who` ('alice' or 'bob'), shaped as createMemberKeys() returns them. */
export async function fixedMemberKeys(who) {
  const sign = await pair('ECDSA', JWK[who].sign);
  const dh = await pair('ECDH', JWK[who].dh);
  return { sign, dh, publicKeys: await publicKeysOf({ sign, dh }) };
}
