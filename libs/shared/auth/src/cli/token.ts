import { parseArgs } from 'node:util';
import { ADMIN_SCOPE } from '../lib/principal.js';
import { ensureLocalKeys, LocalIssuer, localKeysDirectory } from '../lib/local-issuer.js';

const usage = `usage: npm run -s token -- (--sub <customerId> | --admin | --service <clientId>) [--ttl <seconds>]
       npm run -s token -- --ensure-keys

Prints a token of the local issuer (valid one hour unless --ttl says otherwise):
  --sub <customerId>    a customer's token: places and reads that customer's orders
  --admin               an admin token (scope admin): stock, prices, balances, everything
  --service <clientId>  a service's own token (client_id), e.g. coordinator
The key pair is made the first time under .local/auth (AUTH_KEYS_DIR).`;

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    admin: { type: 'boolean', default: false },
    service: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    'ensure-keys': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const ttlSeconds = Number(values.ttl);
const identities = [values.sub !== undefined, values.admin, values.service !== undefined].filter(Boolean).length;
if (values.help || (!values['ensure-keys'] && identities !== 1) || !Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const files = await ensureLocalKeys(localKeysDirectory());
if (!values['ensure-keys']) {
  const issuer = await LocalIssuer.fromKeyFile(files.privateKeyFile);
  const token = await issuer.issue(
    values.admin
      ? { subject: 'admin', scopes: [ADMIN_SCOPE], ttlSeconds }
      : values.service !== undefined
        ? { subject: `service:${values.service}`, clientId: values.service, ttlSeconds }
        : { subject: values.sub ?? '', ttlSeconds },
  );
  process.stdout.write(`${token}\n`);
}
