// Secrets (SMTP password, Twilio token, JWT secret) at rest: encrypted by the OS keychain
// through a Cipher port (Electron's safeStorage in the app), stored as base64 blobs in
// secrets.json beside the database. The plain text is never written anywhere.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core/ports';

/** What safeStorage offers, as a port so the policy is testable without Electron. */
export interface Cipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(blob: Buffer): string;
  /** Linux only: 'basic_text' means no keyring, i.e. a key hard-coded in Chromium: not protection. */
  backend(): string | null;
}

export class SecretStorageUnavailable extends Error {
  constructor(reason: string) {
    super(`secrets cannot be stored safely on this machine: ${reason}`);
    this.name = 'SecretStorageUnavailable';
  }
}

const KEY = /^[a-z0-9_.-]{1,64}$/;

/** Why the cipher can't protect secrets, or null when it can. */
export function cipherProblem(cipher: Cipher): string | null {
  if (!cipher.isEncryptionAvailable()) return 'the OS keychain is not available';
  if (cipher.backend() === 'basic_text') return 'no keyring found (install and unlock gnome-keyring or KWallet); Chromium would fall back to a built-in key';
  return null;
}

export class EncryptedSecretStore {
  constructor(
    private readonly file: string,
    private readonly cipher: Cipher,
    private readonly logger: Logger,
  ) {}

  static in(dir: string, cipher: Cipher, logger: Logger): EncryptedSecretStore {
    return new EncryptedSecretStore(path.join(dir, 'secrets.json'), cipher, logger);
  }

  // A Map, not an object: a secret named like an Object.prototype member must stay data.
  private read(): Map<string, string> {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return new Map();
      return new Map(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return new Map();
    }
  }

  private write(blobs: Map<string, string>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(blobs), null, 1), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  has(key: string): boolean {
    return this.read().has(key);
  }

  /** The secret, or undefined when unset or no longer decryptable (keychain reset: logged, re-enter it). */
  get(key: string): string | undefined {
    const blob = this.read().get(key);
    if (blob === undefined) return undefined;
    try {
      return this.cipher.decryptString(Buffer.from(blob, 'base64'));
    } catch (err) {
      this.logger.error({ key, err: err instanceof Error ? err.message : String(err) }, 'stored secret could not be decrypted; set it again');
      return undefined;
    }
  }

  /** Stores (or with null or '', deletes) a secret. Throws SecretStorageUnavailable rather than keep it unprotected. */
  set(key: string, value: string | null): void {
    if (!KEY.test(key)) throw new Error(`invalid secret name "${key}"`);
    const blobs = this.read();
    if (value === null || value === '') {
      blobs.delete(key);
    } else {
      const problem = cipherProblem(this.cipher);
      if (problem) throw new SecretStorageUnavailable(problem);
      blobs.set(key, this.cipher.encryptString(value).toString('base64'));
    }
    this.write(blobs);
    this.logger.info({ key, set: Boolean(value) }, 'secret updated');
  }
}
