// safeStorage as the secret store's Cipher: DPAPI on Windows, the Keychain on macOS,
// libsecret/KWallet on Linux.
import { safeStorage } from 'electron';
import type { Cipher } from './logic/secrets';

export const safeStorageCipher: Cipher = {
  isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
  encryptString: (plain) => safeStorage.encryptString(plain),
  decryptString: (blob) => safeStorage.decryptString(blob),
  backend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null),
};
