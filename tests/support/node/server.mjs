// The independent OpenID Provider of authdash's interop tests: panva's
// oidc-provider (OpenID Certified), configured here and nowhere else.
//
// Listens on 127.0.0.1 on a free port and prints one JSON line on stdout:
// {"issuer":"http://127.0.0.1:PORT","port":PORT}. Everything else it says
// goes to stderr. It exits when stdin closes (the test process is gone).

import { createServer } from 'node:http';
import { createPrivateKey } from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

// stdout carries the one start line; whatever else is said goes to stderr.
console.log = console.error;
console.info = console.error;

// Accounts: the dev login form's "login" is the account id. Their claims
// include a PropelAuth-shaped `org_id_to_org_member_info`.
const ACCOUNTS = {
  alice: {
    email: 'alice@example.com',
    email_verified: true,
    name: 'Alice Anderson',
    given_name: 'Alice',
    family_name: 'Anderson',
    org_id_to_org_member_info: {
      'org-acme': {
        org_id: 'org-acme',
        org_name: 'Acme',
        url_safe_org_name: 'acme',
        user_role: 'Owner',
        inherited_user_roles_plus_current_role: ['Owner', 'Admin', 'Member'],
        user_permissions: ['can_view_billing', 'can_invite'],
      },
      'org-globex': {
        org_id: 'org-globex',
        org_name: 'Globex',
        url_safe_org_name: 'globex',
        user_role: 'Member',
        inherited_user_roles_plus_current_role: ['Member'],
        user_permissions: [],
      },
    },
  },
  bob: {
    email: 'bob@example.com',
    email_verified: true,
    name: 'Bob Brown',
    given_name: 'Bob',
    family_name: 'Brown',
    org_id_to_org_member_info: {
      'org-acme': {
        org_id: 'org-acme',
        org_name: 'Acme',
        url_safe_org_name: 'acme',
        user_role: 'Admin',
        inherited_user_roles_plus_current_role: ['Admin', 'Member'],
        user_permissions: ['can_invite'],
      },
    },
  },
};

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

// An RS256 signing key (the typed Rust client verifies RSA and EdDSA
// only): the test process's fixed one, in SIGNING_KEY_PEM. Making a new
// one each start cost node about as much CPU as loading oidc-provider.
const privateKey = createPrivateKey(process.env.SIGNING_KEY_PEM);
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'interop-rs256', use: 'sig', alg: 'RS256' };

// The post-logout redirect URI the test registered (a fixed loopback port,
// as real providers need); the placeholder when none was given.
const postLogoutRedirectUris = [process.env.POST_LOGOUT_REDIRECT_URI || 'http://127.0.0.1/logged-out'];

// Two APIs (RFC 8707 resource indicators): a token for one is a JWT whose
// `aud` is that API, with that API's scope only. API_TOKEN_TTL (seconds)
// lets a test watch one expire.
const RESOURCES = {
  'https://billing.example/': { scope: 'billing:read' },
  'https://reports.example/': { scope: 'reports:read' },
};
const apiTokenTtl = Number(process.env.API_TOKEN_TTL || 600);

const grantTypes = [
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
];

// A native app: public (PKCE only), loopback redirect on any port
// (RFC 8252 §7.3: registered without a port, any port matches).
const nativeClient = (clientId) => ({
  client_id: clientId,
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  redirect_uris: ['http://127.0.0.1/callback'],
  post_logout_redirect_uris: postLogoutRedirectUris,
  grant_types: grantTypes,
  response_types: ['code'],
});

// authdash-native-1 … -32: the same app registered again, one per test
// that shares this provider and counts its own token requests.
const NUMBERED_CLIENTS = 32;

const provider = new Provider(issuer, {
  clients: [
    nativeClient('authdash-native'),
    ...Array.from({ length: NUMBERED_CLIENTS }, (_, i) => nativeClient(`authdash-native-${i + 1}`)),
    {
      // A confidential client with client_secret_basic.
      client_id: 'authdash-confidential',
      client_secret: 'interop-secret with spaces & symbols',
      application_type: 'native',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['http://127.0.0.1/callback'],
      post_logout_redirect_uris: postLogoutRedirectUris,
      grant_types: grantTypes,
      response_types: ['code'],
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['interop-cookie-key'] },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // No resource at the code exchange: the login's token is for userinfo.
      useGrantedResource: async () => false,
      async getResourceServerInfo(ctx, resource) {
        const api = RESOURCES[resource];
        if (!api) throw new errors.InvalidTarget();
        return {
          scope: api.scope,
          audience: resource,
          accessTokenTTL: apiTokenTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  scopes: ['openid', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'org_id_to_org_member_info'],
  },
  // Custom claims (the orgs) in the ID token too, not only in userinfo.
  conformIdTokenClaims: false,
  // Refresh tokens for every client allowed the grant (the default wants
  // offline_access with consent), rotated on each use.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...structuredClone(account) };
      },
    };
  },
  ttl: {
    // An API's token lives as its resource server says.
    AccessToken: (ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
    AuthorizationCode: 60,
    DeviceCode: 120,
    Grant: 3600,
    IdToken: 600,
    Interaction: 600,
    RefreshToken: 3600,
    Session: 3600,
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>error</title><pre id="error">${JSON.stringify(out)}</pre>`;
  },
});

// Ask device clients to poll every second (RFC 8628 §3.2 `interval`; the
// default, absent, means 5 s), so the suite stays quick.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/device/auth' && ctx.body && typeof ctx.body === 'object' && ctx.body.device_code) {
    ctx.body = { ...ctx.body, interval: 1 };
  }
});

// Every token request, for the tests to count (each its own client's):
// GET /test/token-requests.
const tokenRequests = [];
provider.use(async (ctx, next) => {
  if (ctx.path === '/test/token-requests' && ctx.method === 'GET') {
    ctx.body = tokenRequests;
    return;
  }
  await next();
  if (ctx.path === '/token') {
    const params = ctx.oidc?.params ?? {};
    tokenRequests.push({
      client_id: ctx.oidc?.client?.clientId ?? null,
      grant_type: params.grant_type ?? null,
      resource: params.resource ?? null,
      status: ctx.status,
      error: (ctx.body && typeof ctx.body === 'object' && ctx.body.error) || null,
    });
  }
});

provider.on('server_error', (ctx, err) => console.error('server_error', err));

server.on('request', provider.callback());

process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
