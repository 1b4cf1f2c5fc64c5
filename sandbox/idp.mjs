// The sandbox org's OpenID provider: oidc-provider v9 on 127.0.0.1 with a random port.
//
// One public client (`aistack-cli`), one demo user, and no clicking: a device code is approved for
// the demo user the moment it is issued, and the browser (authorization code + PKCE) flow signs the
// demo user in and consents by itself. Access tokens are JWTs for one resource (the sandbox's
// gateway and MCP server), so both validate them against /jwks without calling back.
//
// Options come as JSON in argv[2]: resource, accessTokenTTL and interval (seconds), user (email).
// Prints one JSON line {"issuer", "port"} on stdout once it listens.
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// oidc-provider is installed with the test peers (tests/node); SANDBOX_NODE_MODULES may point elsewhere.
const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = process.env.SANDBOX_NODE_MODULES || path.join(here, '..', 'tests', 'node', 'node_modules');
const require = createRequire(path.join(nodeModules, 'noop.js'));
const { default: Provider, errors } = await import(pathToFileURL(require.resolve('oidc-provider')).href);

const options = JSON.parse(process.argv[2] || '{}');
const RESOURCE = options.resource || 'urn:aistack:sandbox';
const EMAIL = options.user || 'demo@example.com';
const ACCOUNT = EMAIL.split('@')[0];
const SCOPES = ['openid', 'email', 'profile', 'offline_access'];
const ACCESS_TTL = options.accessTokenTTL ?? 900;
// oidc-provider sends no `interval`, so clients would wait RFC 8628's 5 s before the first poll;
// the code is approved already, so 1 s keeps the demo quick.
const INTERVAL = options.interval ?? 1;

const server = http.createServer();
await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const account = {
  accountId: ACCOUNT,
  async claims() {
    return { sub: ACCOUNT, email: EMAIL, email_verified: true, name: 'Demo User' };
  },
};

// A signing key of its own on every start: oidc-provider's quick-start key is public, so anyone could
// mint tokens the gateway would accept.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `sandbox-${port}-${Date.now()}`, use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  jwks: { keys: [signingKey] },
  clients: [{
    client_id: 'aistack-cli',
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token', 'authorization_code'],
    response_types: ['code'],
    // RFC 8252: any port on the loopback address is accepted for a native client.
    redirect_uris: ['http://127.0.0.1/callback'],
  }],
  features: {
    deviceFlow: { enabled: true },
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo(ctx, resource) {
        if (resource !== RESOURCE) throw new errors.InvalidTarget();
        return { scope: SCOPES.join(' '), audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: ACCESS_TTL };
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  scopes: SCOPES,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The id token carries the email and name itself: the access token is for the gateway, not userinfo.
  conformIdTokenClaims: false,
  // The gateway records usage per person: put the email in the JWT access token too.
  async extraTokenClaims(ctx, token) {
    return token.kind === 'AccessToken' && token.accountId === ACCOUNT ? { email: EMAIL } : undefined;
  },
  async findAccount(ctx, sub) {
    return sub === ACCOUNT ? account : undefined;
  },
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  pkce: { required: () => true },
  ttl: {
    AccessToken: ACCESS_TTL,
    DeviceCode: 600,
    RefreshToken: 14 * 24 * 3600,
    IdToken: 3600,
    Grant: 14 * 24 * 3600,
    Session: 14 * 24 * 3600,
    Interaction: 600,
  },
});

async function grantFor(clientId, scope) {
  const grant = new provider.Grant({ accountId: ACCOUNT, clientId });
  grant.addOIDCScope(scope);
  grant.addResourceScope(RESOURCE, scope);
  return grant.save();
}

provider.use(async (ctx, next) => {
  // The browser flow: every interaction is the demo user signing in and consenting.
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (match) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const scope = details.params.scope || 'openid';
    const result = { login: { accountId: ACCOUNT }, consent: { grantId: await grantFor(details.params.client_id, scope) } };
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    return;
  }
  await next();
  // The device flow: approve the code for the demo user as soon as it is handed out.
  if (ctx.path === '/device/auth' && ctx.status === 200 && ctx.body?.user_code) {
    const dc = await provider.DeviceCode.findByUserCode(ctx.body.user_code.replace(/[^A-Z]/gi, '').toUpperCase());
    dc.accountId = ACCOUNT;
    dc.grantId = await grantFor(dc.clientId, dc.params.scope);
    dc.scope = dc.params.scope;
    dc.resource = RESOURCE;
    dc.authTime = Math.floor(Date.now() / 1000);
    await dc.save();
    ctx.body = { ...ctx.body, interval: INTERVAL };
  }
});

server.on('request', provider.callback());
process.stdout.write(JSON.stringify({ issuer, port }) + '\n');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
