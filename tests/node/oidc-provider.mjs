// A real OpenID provider (oidc-provider v9) for the test suite, on 127.0.0.1 with a random port.
// Prints one JSON line {"issuer": ...} on stdout once it listens.
// Options come as JSON in argv[2]: accessTokenTTL, deviceCodeTTL, clockTolerance, interval (advertised in the
// device-authorization response; the package sends none, so RFC 8628's 5 s would apply).
// Test-only routes under /__test__/ change the access-token TTL at run time and report counters;
// everything else, including the device, login and consent pages the tests walk through, is the
// provider's own behaviour.
import http from 'node:http';
import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2] || '{}');
const state = {
  accessTokenTTL: options.accessTokenTTL ?? 600,
  stats: { device_code: 0, authorization_code: 0, refresh_token: 0, grant_revoked: 0, token_errors: {} },
};

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'aistack-cli',
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token', 'authorization_code'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
  }],
  features: {
    deviceFlow: { enabled: true },
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
  },
  clockTolerance: options.clockTolerance ?? 15,
  scopes: ['openid', 'offline_access', 'email', 'profile'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: `${sub}@example.com`, email_verified: true, name: `User ${sub}` };
      },
    };
  },
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

provider.use(async (ctx, next) => {
  if (!ctx.path.startsWith('/__test__/')) {
    await next();
    if (ctx.path === '/device/auth' && ctx.status === 200 && options.interval !== undefined) {
      ctx.body = { ...ctx.body, interval: options.interval };
    }
    return;
  }
  const q = ctx.query;
  if (ctx.path === '/__test__/config') {
    if (q.access_ttl) state.accessTokenTTL = Number(q.access_ttl);
    ctx.body = { accessTokenTTL: state.accessTokenTTL };
  } else if (ctx.path === '/__test__/stats') {
    ctx.body = state.stats;
  } else {
    ctx.status = 404;
  }
});

server.on('request', provider.callback());
process.stdout.write(JSON.stringify({ issuer }) + '\n');
process.on('SIGTERM', () => process.exit(0));
