import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/ports';
import { tempDir } from '../../core/testing';
import { type Cipher, EncryptedSecretStore, SecretStorageUnavailable } from './secrets';

/**
 * A keyed XOR stream stands in for the OS keychain: real enough that the stored bytes differ
 * from the plain text, and decrypting with another key (a reset keychain) fails.
 */
function xorCipher(key: number, opts: { available?: boolean; backend?: string | null } = {}): Cipher {
  const xor = (b: Buffer) => Buffer.from(b.map((v, i) => v ^ ((key + i * 31) & 0xff)));
  return {
    isEncryptionAvailable: () => opts.available ?? true,
    encryptString: (s) => Buffer.concat([Buffer.from([key]), xor(Buffer.from(s, 'utf8'))]),
    decryptString: (b) => {
      if (b[0] !== key) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return xor(b.subarray(1)).toString('utf8');
    },
    backend: () => opts.backend ?? null,
  };
}

describe('EncryptedSecretStore', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('stores secrets encrypted and reads them back', () => {
    const store = EncryptedSecretStore.in(dir.dir, xorCipher(7), silentLogger);
    expect(store.has('smtp_password')).toBe(false);
    store.set('smtp_password', 'hunter2-smtp');
    store.set('twilio_auth_token', 'tw-secret-token');
    expect(store.get('smtp_password')).toBe('hunter2-smtp');
    expect(store.has('twilio_auth_token')).toBe(true);
    const onDisk = fs.readFileSync(path.join(dir.dir, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('hunter2');
    expect(onDisk).not.toContain('tw-secret');
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir.dir, 'secrets.json')).mode & 0o077).toBe(0);
  });

  it('deletes a secret with null or an empty string', () => {
    const store = EncryptedSecretStore.in(dir.dir, xorCipher(7), silentLogger);
    store.set('jwt_secret', 'j');
    store.set('jwt_secret', null);
    expect(store.has('jwt_secret')).toBe(false);
    store.set('smtp_password', 'p');
    store.set('smtp_password', '');
    expect(store.has('smtp_password')).toBe(false);
    expect(store.get('jwt_secret')).toBeUndefined();
  });

  it('refuses to store without a real keychain rather than keep the secret unprotected', () => {
    for (const cipher of [xorCipher(7, { available: false }), xorCipher(7, { backend: 'basic_text' })]) {
      const store = EncryptedSecretStore.in(dir.dir, cipher, silentLogger);
      expect(() => store.set('smtp_password', 'pw')).toThrow(SecretStorageUnavailable);
      expect(fs.existsSync(path.join(dir.dir, 'secrets.json'))).toBe(false);
    }
  });

  it('reads a secret it can no longer decrypt as unset, and logs it', () => {
    EncryptedSecretStore.in(dir.dir, xorCipher(7), silentLogger).set('smtp_password', 'pw');
    const logged: string[] = [];
    const logger = { ...silentLogger, error: (_f: object, msg: string) => void logged.push(msg) };
    expect(EncryptedSecretStore.in(dir.dir, xorCipher(9), logger).get('smtp_password')).toBeUndefined();
    expect(logged).toEqual(['stored secret could not be decrypted; set it again']);
  });

  it('rejects names that are not plain identifiers', () => {
    const store = EncryptedSecretStore.in(dir.dir, xorCipher(7), silentLogger);
    expect(() => store.set('../x', 'v')).toThrow(/invalid secret name/);
    expect(() => store.set('__proto__', 'v')).not.toThrow();
    expect(store.get('__proto__')).toBe('v');
  });
});
