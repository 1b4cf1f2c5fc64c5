// A real OpenID provider (oidc-provider v9) on 127.0.0.1 with a random port: the sandbox org's IdP, and the
// test suite's. Prints one JSON line {"issuer", "port"} on stdout once it listens.
//
// One public client (`aistack-cli`). Two ways to sign in, by the `interactions` option:
//   "auto" (the sandbox's default): one demo user (`user`, default demo@example.com) and no clicking: a device
//          code is approved the moment it is issued, and the browser flow signs in and consents by itself.
//   "pages" (the tests'): the provider's own device, login and consent pages, which the tests walk through as a
//          scripted browser user would; any login name is an account (`NAME@example.com`).
// With `resource` set, access tokens are JWTs for that one resource (the sandbox's gateway and MCP server
// validate them against /jwks without calling back); without it they are opaque (checked by introspection).
//
// Options come as JSON in argv[2]: interactions, user, resource, port, accessTokenTTL, deviceCodeTTL (seconds),
// clockTolerance, interval (advertised in the device-authorization response; the package sends none, so
// RFC 8628's 5 s would apply), testRoutes (true: /__test__/config?access_ttl=S changes the access-token TTL at
// run time, /__test__/stats counts grants, refreshes, errors and revocations).
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
const AUTO = (options.interactions ?? 'auto') === 'auto';
const RESOURCE = options.resource;
const EMAIL = options.user || 'demo@example.com';
const DEMO = EMAIL.split('@')[0];
const SCOPES = ['openid', 'email', 'profile', 'offline_access'];
const state = {
  accessTokenTTL: options.accessTokenTTL ?? 900,
  stats: { device_code: 0, authorization_code: 0, refresh_token: 0, grant_revoked: 0, token_errors: {} },
};
// oidc-provider sends no `interval`, so clients would wait RFC 8628's 5 s before the first poll; an approved
// code needs no wait, so the sandbox advertises 1 s.
const INTERVAL = options.interval ?? (AUTO ? 1 : undefined);

const server = http.createServer();
await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

function account(sub) {
  const email = AUTO ? EMAIL : `${sub}@example.com`;
  const name = AUTO ? 'Demo User' : `User ${sub}`;
  return { accountId: sub, async claims() { return { sub, email, email_verified: true, name }; } };
}

// A signing key of its own on every start: oidc-provider's quick-start key is public, so anyone could mint
// tokens a gateway would accept.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `idp-${port}-${Date.now()}`, use: 'sig', alg: 'RS256' };

const features = {
  deviceFlow: { enabled: true },
  devInteractions: { enabled: !AUTO },
  revocation: { enabled: true },
  introspection: { enabled: true },
};
if (RESOURCE) {
  features.resourceIndicators = {
    enabled: true,
    defaultResource: () => RESOURCE,
    useGrantedResource: () => true,
    getResourceServerInfo(ctx, resource) {
      if (resource !== RESOURCE) throw new errors.InvalidTarget();
      return { scope: SCOPES.join(' '), audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: state.accessTokenTTL };
    },
  };
}

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
  features,
  ...(AUTO ? { interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` } } : {}),
  clockTolerance: options.clockTolerance ?? 15,
  scopes: SCOPES,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The id token carries the email and name itself: the access token is for the gateway, not userinfo.
  conformIdTokenClaims: false,
  // A gateway records usage per person: put the email in JWT access tokens too.
  async extraTokenClaims(ctx, token) {
    return token.kind === 'AccessToken' && RESOURCE ? { email: (await account(token.accountId).claims()).email } : undefined;
  },
  async findAccount(ctx, sub) {
    return !AUTO || sub === DEMO ? account(sub) : undefined;
  },
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  pkce: { required: () => true },
  ttl: {
    AccessToken: () => state.accessTokenTTL,
    DeviceCode: options.deviceCodeTTL ?? 600,
    RefreshToken: 14 * 24 * 3600,
    IdToken: 3600,
    Grant: 14 * 24 * 3600,
    Session: 14 * 24 * 3600,
    Interaction: 3600,
  },
});

provider.on('grant.success', (ctx) => {
  const type = ctx.oidc.params.grant_type.split(':').pop();
  state.stats[type] = (state.stats[type] ?? 0) + 1;
});
provider.on('grant.error', (ctx, error) => {
  state.stats.token_errors[error.error] = (state.stats.token_errors[error.error] ?? 0) + 1;
});
provider.on('grant.revoked', () => { state.stats.grant_revoked += 1; });

async function grantFor(clientId, scope) {
  const grant = new provider.Grant({ accountId: DEMO, clientId });
  grant.addOIDCScope(scope);
  if (RESOURCE) grant.addResourceScope(RESOURCE, scope);
  return grant.save();
}

function testRoute(ctx) {
  const q = ctx.query;
  if (ctx.path === '/__test__/config') {
    if (q.access_ttl) state.accessTokenTTL = Number(q.access_ttl);
    ctx.body = { accessTokenTTL: state.accessTokenTTL };
  } else if (ctx.path === '/__test__/stats') {
    ctx.body = state.stats;
  } else {
    ctx.status = 404;
  }
}

provider.use(async (ctx, next) => {
  if (options.testRoutes && ctx.path.startsWith('/__test__/')) {
    testRoute(ctx);
    return;
  }
  // "auto", the browser flow: every interaction is the demo user signing in and consenting.
  const match = AUTO && ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (match) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const scope = details.params.scope || 'openid';
    const result = { login: { accountId: DEMO }, consent: { grantId: await grantFor(details.params.client_id, scope) } };
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    return;
  }
  await next();
  if (ctx.path === '/device/auth' && ctx.status === 200 && ctx.body?.user_code) {
    if (AUTO) {  // "auto", the device flow: approve the code for the demo user as soon as it is handed out
      const dc = await provider.DeviceCode.findByUserCode(ctx.body.user_code.replace(/[^A-Z]/gi, '').toUpperCase());
      dc.accountId = DEMO;
      dc.grantId = await grantFor(dc.clientId, dc.params.scope);
      dc.scope = dc.params.scope;
      if (RESOURCE) dc.resource = RESOURCE;
      dc.authTime = Math.floor(Date.now() / 1000);
      await dc.save();
    }
    if (INTERVAL !== undefined) ctx.body = { ...ctx.body, interval: INTERVAL };
  }
});

server.on('request', provider.callback());
process.stdout.write(JSON.stringify({ issuer, port }) + '\n');
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => { server.close(() => process.exit(0)); server.closeAllConnections(); });
}
