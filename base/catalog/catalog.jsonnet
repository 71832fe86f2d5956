// VAPORA's service catalog: the one source of truth for the per-workload mesh policy in
// base/{frontend,backend,agents,llm-router}/ (ServiceAccount, Service, VirtualService,
// DestinationRule, AuthorizationPolicy, Sidecar, ServiceEntry and each folder's
// kustomization.yaml). Those files are generated: edit this file, then run
//
//   npx mesh-policy generate           # rewrites base/<folder>/ (all files or none)
//   npx mesh-policy generate --check   # fails, naming the files, when they are stale
//
// Shared defaults (routes, retries, connection pools, outlier detection, Sidecar egress) are in
// lib/mesh.libsonnet; a workload states only what differs. Environments differ through the
// kustomize patches in environments/<env>/ on top of what is generated here: routing.yaml (canary
// weights of vapora-backend, vapora-llm-router and the edge), limits.yaml (connection pools).
// docs/policy.md explains the policy; the comments below say why each value is what it is.
local mesh = import 'lib/mesh.libsonnet';

mesh.catalog {
  namespace: 'vapora',

  // <folder under base/>: the workload vapora-<folder>.
  workloads: {
    frontend: $.workload({
      // Service port 80 (what callers dial, and what the VirtualService and DestinationRule use)
      // differs from the container port 8080 (what the AuthorizationPolicy sees).
      ports: [{ name: 'http-web', port: 80, targetPort: 8080 }],
      // Web UI: many small, fast requests per user: the default pool (200 connections).
    }),

    backend: $.workload({
      ports: [{ name: 'http-api', port: 8001, targetPort: 8001 }],
      // Public API calls are meant to be fast; long agent runs must not be awaited inside a
      // request to the backend (the edge, base/gateway/virtual-service.yaml, gives /api/ the
      // same 10s). Default route: 10s, 2 retries x 3s.
    }),

    agents: $.workload({
      ports: [{ name: 'http-agents', port: 8002, targetPort: 8002 }],
      // An agent step waits on vapora-llm-router (up to 60s), so one try must outlast that:
      // (1 + 1 attempt) x 70s = 140s <= 150s.
      timeout: '150s',
      retries: { attempts: 1, perTryTimeout: '70s' },
      // Few, long-running calls: cap concurrency rather than rate.
      connectionPool: {
        tcp: { maxConnections: 50 },
        http: { http1MaxPendingRequests: 50, http2MaxRequests: 200, maxRequestsPerConnection: 100 },
      },
      outlierDetection: { consecutive5xxErrors: 3, baseEjectionTime: '60s' },
    }),

    'llm-router': $.workload({
      ports: [{ name: 'http-router', port: 8003, targetPort: 8003 }],
      // LLM completions are slow: (1 + 1 attempt) x 25s = 50s <= 60s. One retry only: each
      // try may spend paid LLM tokens.
      timeout: '60s',
      retries: { attempts: 1, perTryTimeout: '25s' },
      // Few, long calls to paid LLM APIs: a low concurrency cap sheds load here instead of
      // queueing it in front of the providers.
      connectionPool: {
        tcp: { maxConnections: 50 },
        http: { http1MaxPendingRequests: 50, http2MaxRequests: 100, maxRequestsPerConnection: 100 },
      },
      outlierDetection: { consecutive5xxErrors: 3, baseEjectionTime: '60s' },
      external: {
        // The external LLM APIs the router calls; needed because its Sidecar is REGISTRY_ONLY.
        // The app speaks TLS itself (no TLS origination by the sidecar), so the port is TLS and
        // routing is by SNI. Exported to `vapora` only (default exportTo ["."]): other
        // namespaces keep their own egress rules.
        'llm-providers': {
          hosts: ['api.openai.com', 'api.anthropic.com'],
          ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
        },
      },
      // Hand-written: the router's local rate limit (EnvoyFilter), bucket sizes per environment
      // in environments/<env>/rate-limit-llm-router.yaml.
      extraResources: ['rate-limit.yaml'],
    }),
  },

  // Who may call whom. Everything else is denied by base/mesh/deny-all.yaml (ingress) and,
  // for egress, by each workload's REGISTRY_ONLY Sidecar. Calls to the same callee with the
  // same ports, methods, paths and JWT requirement share one AuthorizationPolicy rule; the
  // rules keep the order of the calls here.
  calls: [
    // vapora-frontend: only browsers, through the ingress gateway. The web UI is read-only;
    // writes go to the backend under /api/.
    $.call('istio-ingressgateway', 'vapora-frontend', ports=['http-web'], methods=['GET', 'HEAD']),

    // vapora-backend: the frontend's server side, and the public API through the ingress
    // gateway with a valid JWT (validated by base/gateway/request-authentication.yaml; a
    // request without a token is denied). `/api/*` matches /api/x but not /api, which the edge
    // routes to the frontend. No OPTIONS: UI and API share one origin, so no CORS preflight.
    $.call('vapora-frontend', 'vapora-backend', ports=['http-api'],
           methods=['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], paths=['/api/*']),
    $.call('istio-ingressgateway', 'vapora-backend', ports=['http-api'],
           methods=['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], paths=['/api/*'], requireJwt=true),

    // The agents' and the router's internal APIs are not pinned down yet: identity + port is
    // the boundary until they are (no methods or paths).
    // The backend delegates to the agents and calls the LLM router directly; the agents call
    // the router for every model request.
    $.call('vapora-backend', 'vapora-agents', ports=['http-agents']),
    $.call('vapora-backend', 'vapora-llm-router', ports=['http-router']),
    $.call('vapora-agents', 'vapora-llm-router', ports=['http-router']),

    // Only the router leaves the mesh, to the LLM providers.
    $.call('vapora-llm-router', 'llm-providers'),
  ],
}
