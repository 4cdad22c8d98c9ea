// The engine process of the crash test (crash.test.ts): opens the desk on an existing database
// with the test's SMTP server and runs the notifier until it is killed.
// Usage: node --import tsx crash-child.ts DB_FILE SMTP_PORT
import { Desk } from '../desk';

const [dbFile, port] = process.argv.slice(2);
const desk = Desk.open({
  dbFile,
  demo: false,
  notify: {
    env: {},
    flags: { smtpHost: '127.0.0.1', smtpPort: Number(port), smtpSecurity: 'none', smtpFrom: 'risk@desk.example' },
    sender: { pollMs: 50 },
    escalation: { pollMs: 50 },
  },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void desk.close().then(() => process.exit(0));
});
