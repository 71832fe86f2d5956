// The mesh library behind base/catalog/catalog.jsonnet: the shared defaults of every workload,
// the shape of a workload and of an allowed call, and the checks that keep the catalog
// consistent.
//
// How errors find their line: every check fails with `error` (or `assert`) inside the function
// the catalog calls for that entry, $.workload({...}) or $.call(...). libjsonnet's stack trace
// then holds the catalog line of the call being evaluated, and `mesh-policy generate` reports
// that line (the first frame outside this folder). So checks run eagerly in those function
// bodies, before they return, never later in a lazily evaluated field. Two workloads under the
// same key are a static Jsonnet error, with its line, before anything runs.
//
// What a catalog evaluates to (its one visible field, `meshPolicyCatalog`) is plain, checked
// data with every default applied; tools/src/generate turns it into the YAML in base/<folder>/
// (the objects' shape, sync waves and file headers live there).
//
// Environments do not override anything here: environments/<env>/*.yaml patch the generated
// base with kustomize (routing.yaml: the canary weights at /spec/http/0/route/{0,1}/weight;
// limits.yaml: connectionPool, by DestinationRule name). What keeps those patches valid:
// http[0] is each VirtualService's only (catch-all) rule, its routes follow `versions` in
// order, and every object is named after its workload.

// ---------------------------------------------------------------------------------------------
// Small helpers. Checks return true or fail with a message that says what to do.

local join(items) = std.join(', ', [std.toString(i) for i in items]);
local quoted(items) = join(['"%s"' % i for i in items]);
local isInt(x) = std.isNumber(x) && x == std.floor(x);
// Character classes by code point (std.member on a string is slow in libjsonnet).
local isDigit(c) = local n = std.codepoint(c); n >= 48 && n <= 57;
local isLabelChar(c) = local n = std.codepoint(c); (n >= 97 && n <= 122) || (n >= 48 && n <= 57) || n == 45;
local allChars(s, ok) = std.all([ok(c) for c in std.stringChars(s)]);

// A lowercase RFC 1123 label: what Kubernetes names, port names and subset names must be.
local isLabel(s, max=63) =
  std.isString(s) && std.length(s) > 0 && std.length(s) <= max && allChars(s, isLabelChar)
  && s[0] != '-' && s[std.length(s) - 1] != '-';

// A fully evaluated copy of a value. libjsonnet does not cache object fields (every access
// evaluates the field again), so values read many times are made plain data once.
local materialize(value) = std.parseJson(std.toString(value));

local isStringList(xs) = std.isArray(xs) && std.all([std.isString(x) && x != '' for x in xs]);
local isStringMap(m) = std.isObject(m) && std.all([std.isString(m[k]) for k in std.objectFields(m)]);
local hasDuplicates(xs) = std.length(std.uniq(std.sort(xs))) != std.length(xs);

// Fails when `obj` has a field outside `known` (a typo would otherwise be dropped silently).
local onlyFields(obj, known, what) =
  local unknown = std.setDiff(std.set(std.objectFields(obj)), std.set(known));
  assert std.length(unknown) == 0 :
         '%s: unknown field %s; known fields: %s' % [what, quoted(unknown), join(std.set(known))];
  true;

// Durations as Istio writes them in routes: an integer and one unit, e.g. 500ms, 10s, 2m, 1h.
local durationMs(s) =
  local units = [['ms', 1], ['s', 1000], ['m', 60000], ['h', 3600000]];
  local matches = [
    u
    for u in units
    if std.isString(s) && std.endsWith(s, u[0]) && std.length(s) > std.length(u[0])
       && allChars(s[:std.length(s) - std.length(u[0])], isDigit)
  ];
  if std.length(matches) == 0 then null
  else local u = matches[std.length(matches) - 1]; std.parseInt(s[:std.length(s) - std.length(u[0])]) * u[1];

local isDuration(s) = durationMs(s) != null;

// Istio picks a port's protocol from its name, `<protocol>[-suffix]`
// (https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/).
// HTTP-only rule fields (methods, paths, requestPrincipals) and HTTP routes need one of HTTP_PROTOCOLS.
local PROTOCOLS = ['grpc-web', 'http2', 'https', 'http', 'grpc', 'tcp', 'tls', 'udp', 'mongo', 'mysql', 'redis'];
local HTTP_PROTOCOLS = ['http', 'http2', 'grpc', 'grpc-web'];
local protocolOf(portName) =
  local found = [p for p in PROTOCOLS if portName == p || std.startsWith(portName, p + '-')];
  if std.length(found) == 0 then null else found[0];
local isHttpPort(port) = std.member(HTTP_PROTOCOLS, protocolOf(port.name));

local HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];

// Istio's DestinationRule fields (networking.istio.io/v1, tools/schemas) that a workload may set.
local CONNECTION_POOL_FIELDS = {
  tcp: ['connectTimeout', 'idleTimeout', 'maxConnectionDuration', 'maxConnections', 'tcpKeepalive'],
  http: ['h2UpgradePolicy', 'http1MaxPendingRequests', 'http2KeepAlive', 'http2MaxRequests', 'idleTimeout',
         'maxConcurrentStreams', 'maxRequestsPerConnection', 'maxRetries', 'useClientProtocol'],
};
local OUTLIER_DETECTION_FIELDS = ['baseEjectionTime', 'consecutive5xxErrors', 'consecutiveErrors', 'consecutiveGatewayErrors',
                                  'consecutiveLocalOriginFailures', 'interval', 'maxEjectionPercent', 'minHealthPercent',
                                  'outlierDetectionHttpErrorCodes', 'splitExternalLocalOriginErrors'];

local WORKLOAD_FIELDS = ['ports', 'serviceAccount', 'labels', 'versions', 'timeout', 'retries', 'connectionPool',
                         'outlierDetection', 'sidecar', 'external', 'extraResources'];

// Files generated into every workload folder; a hand-written extra resource may not take their names.
local GENERATED_FILES = ['kustomization.yaml', 'service-account.yaml', 'service.yaml', 'virtual-service.yaml',
                         'destination-rule.yaml', 'authorization-policy.yaml', 'sidecar.yaml', 'service-entry.yaml'];

// ---------------------------------------------------------------------------------------------
// Checks of one workload spec (as written in the catalog, before defaults).

local checkPort(p, i) =
  local what = 'ports[%d]' % i;
  assert std.isObject(p) : '%s must be an object like { name: "http-api", port: 8001, targetPort: 8001 }' % what;
  assert onlyFields(p, ['name', 'port', 'targetPort', 'protocol'], what);
  assert std.objectHas(p, 'name') && isLabel(p.name, 15) :
         '%s: name must be a lowercase DNS label of at most 15 characters, such as "http-api"' % what;
  assert protocolOf(p.name) != null :
         '%s: port name "%s" does not follow Istio\'s <protocol>[-suffix] convention (protocols: %s), so Istio would have to sniff the protocol'
         % [what, p.name, join(PROTOCOLS)];
  assert std.objectHas(p, 'port') && isInt(p.port) && p.port >= 1 && p.port <= 65535 :
         '%s (%s): port must be the Service port, an integer 1-65535' % [what, p.name];
  assert !std.objectHas(p, 'targetPort') || (isInt(p.targetPort) && p.targetPort >= 1 && p.targetPort <= 65535) :
         '%s (%s): targetPort must be the container port, an integer 1-65535' % [what, p.name];
  assert !std.objectHas(p, 'protocol') || std.member(['TCP', 'UDP', 'SCTP'], p.protocol) :
         '%s (%s): protocol is the Kubernetes L4 protocol, TCP, UDP or SCTP (the name carries the application protocol)' % [what, p.name];
  true;

local checkPorts(ports) =
  assert std.isArray(ports) && std.length(ports) > 0 :
         'ports must list at least one port, e.g. [{ name: "http-api", port: 8001, targetPort: 8001 }]';
  assert std.all([checkPort(ports[i], i) for i in std.range(0, std.length(ports) - 1)]);
  assert !hasDuplicates([p.name for p in ports]) : 'ports: two ports have the same name';
  assert !hasDuplicates([p.port for p in ports]) : 'ports: two ports have the same Service port';
  assert isHttpPort(ports[0]) :
         'ports[0] (%s) is the port the generated VirtualService routes (an HTTP route with retries): it must be an HTTP port (%s)'
         % [ports[0].name, join(HTTP_PROTOCOLS)];
  true;

local checkVersions(versions) =
  assert std.isArray(versions) && std.length(versions) > 0 :
         'versions must list at least one version, e.g. [{ name: "stable", weight: 100 }, { name: "canary", weight: 0 }]';
  assert std.all([
    local v = versions[i];
    local what = 'versions[%d]' % i;
    assert std.isObject(v) : '%s must be an object like { name: "stable", weight: 100 }' % what;
    assert onlyFields(v, ['name', 'weight', 'labels'], what);
    assert std.objectHas(v, 'name') && isLabel(v.name) : '%s: name must be a lowercase DNS label, such as "canary"' % what;
    assert std.objectHas(v, 'weight') && isInt(v.weight) && v.weight >= 0 && v.weight <= 100 :
           '%s (%s): weight must be an integer 0-100 (the base weight; environments/<env>/routing.yaml sets its own)' % [what, v.name];
    assert !std.objectHas(v, 'labels') || (isStringMap(v.labels) && std.length(v.labels) > 0) :
           '%s (%s): labels must be a non-empty map of strings (the pod labels of this version; default { version: "%s" })' % [what, v.name, v.name];
    true
    for i in std.range(0, std.length(versions) - 1)
  ]);
  assert !hasDuplicates([v.name for v in versions]) : 'versions: two versions have the same name';
  assert std.foldl(function(sum, v) sum + v.weight, versions, 0) > 0 : 'versions: at least one weight must be above 0';
  true;

local checkRoute(w) =
  assert isDuration(w.timeout) : 'timeout "%s" must be a duration such as "10s"' % w.timeout;
  assert std.isObject(w.retries) && onlyFields(w.retries, ['attempts', 'perTryTimeout', 'retryOn'], 'retries');
  assert isInt(w.retries.attempts) && w.retries.attempts >= 0 : 'retries.attempts must be an integer >= 0';
  assert isDuration(w.retries.perTryTimeout) : 'retries.perTryTimeout "%s" must be a duration such as "3s"' % w.retries.perTryTimeout;
  assert std.isString(w.retries.retryOn) && w.retries.retryOn != '' : 'retries.retryOn must name the retry conditions explicitly';
  // docs/policy.md, correction 2: every try must fit into the route timeout.
  local worstCase = (1 + w.retries.attempts) * durationMs(w.retries.perTryTimeout);
  assert worstCase <= durationMs(w.timeout) :
         'retries do not fit the timeout: (1 + %d attempts) x %s = %dms > timeout %s; lower attempts or perTryTimeout, or raise timeout'
         % [w.retries.attempts, w.retries.perTryTimeout, worstCase, w.timeout];
  true;

local checkTrafficPolicy(w) =
  assert std.isObject(w.connectionPool) && onlyFields(w.connectionPool, std.objectFields(CONNECTION_POOL_FIELDS), 'connectionPool');
  assert std.all([
    std.isObject(w.connectionPool[k]) && onlyFields(w.connectionPool[k], CONNECTION_POOL_FIELDS[k], 'connectionPool.' + k)
    for k in std.objectFields(w.connectionPool)
  ]);
  assert std.isObject(w.outlierDetection) && onlyFields(w.outlierDetection, OUTLIER_DETECTION_FIELDS, 'outlierDetection');
  true;

local checkExternal(name, e) =
  local what = 'external "%s"' % name;
  assert isLabel(name) : '%s: the name (the ServiceEntry name) must be a lowercase DNS label' % what;
  assert std.isObject(e) && onlyFields(e, ['hosts', 'ports', 'location', 'resolution', 'exportTo'], what);
  assert std.objectHas(e, 'hosts') && isStringList(e.hosts) && std.length(e.hosts) > 0 && !hasDuplicates(e.hosts) :
         '%s: hosts must list the external host names, such as ["api.openai.com"]' % what;
  assert std.objectHas(e, 'ports') && std.isArray(e.ports) && std.length(e.ports) > 0 :
         '%s: ports must list at least one port, such as [{ number: 443, name: "tls", protocol: "TLS" }]' % what;
  assert std.all([
    std.isObject(p) && onlyFields(p, ['number', 'name', 'protocol'], what + ' port')
    && std.objectHas(p, 'number') && isInt(p.number) && p.number >= 1 && p.number <= 65535
    && std.objectHas(p, 'name') && isLabel(p.name, 15) && std.objectHas(p, 'protocol') && std.isString(p.protocol)
    || error '%s: each port needs number (1-65535), name and protocol, such as { number: 443, name: "tls", protocol: "TLS" }' % what
    for p in e.ports
  ]);
  assert !std.objectHas(e, 'location') || std.member(['MESH_EXTERNAL', 'MESH_INTERNAL'], e.location) :
         '%s: location is MESH_EXTERNAL or MESH_INTERNAL' % what;
  assert !std.objectHas(e, 'resolution') || std.member(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN'], e.resolution) :
         '%s: resolution is NONE, STATIC, DNS or DNS_ROUND_ROBIN' % what;
  assert !std.objectHas(e, 'exportTo') || isStringList(e.exportTo) : '%s: exportTo must be a list of namespaces, such as ["."]' % what;
  true;

local checkWorkloadSpec(spec, defaults) =
  assert std.isObject(spec) : '$.workload takes one object, the workload spec: $.workload({ ports: [...], ... })';
  assert onlyFields(spec, WORKLOAD_FIELDS, 'workload');
  assert std.objectHas(spec, 'ports') : 'a workload needs ports: [{ name: "http-api", port: 8001, targetPort: 8001 }]';
  assert checkPorts(spec.ports);
  assert !std.objectHas(spec, 'serviceAccount') || isLabel(spec.serviceAccount) :
         'serviceAccount must be a lowercase DNS label (default: the workload name)';
  assert !std.objectHas(spec, 'labels') || (isStringMap(spec.labels) && std.length(spec.labels) > 0) :
         'labels must be a non-empty map of strings: the pod labels that select this workload (default: { app: <name> })';
  assert !std.objectHas(spec, 'extraResources')
         || (isStringList(spec.extraResources) && std.all([
               std.endsWith(f, '.yaml') && std.length(std.split(f, '/')) == 1 && !std.member(GENERATED_FILES, f)
               for f in spec.extraResources
             ])) :
         'extraResources lists hand-written files in the workload folder, such as ["rate-limit.yaml"]: plain .yaml names, none of %s'
         % join(GENERATED_FILES);
  local merged = materialize(std.mergePatch(defaults, spec));
  assert checkVersions(merged.versions);
  assert checkRoute(merged);
  assert checkTrafficPolicy(merged);
  assert std.isObject(merged.sidecar) && onlyFields(merged.sidecar, ['extraEgressHosts', 'outboundTrafficPolicy'], 'sidecar');
  assert isStringList(merged.sidecar.extraEgressHosts) : 'sidecar.extraEgressHosts must be a list of Sidecar hosts, such as ["istio-system/*"]';
  assert std.member(['REGISTRY_ONLY', 'ALLOW_ANY'], merged.sidecar.outboundTrafficPolicy) :
         'sidecar.outboundTrafficPolicy is REGISTRY_ONLY or ALLOW_ANY';
  assert std.isObject(merged.external) && std.all([checkExternal(k, merged.external[k]) for k in std.objectFields(merged.external)]);
  merged;

// A workload as generated: what $.workload returned, plus its name and folder and the defaults
// that depend on the name.
local finalWorkload(catalog, folder) =
  local name = catalog.workloadName(folder);
  local w = catalog.workloads[folder];
  assert std.isObject(w) && std.objectHasAll(w, 'isMeshWorkload') :
         'workloads.%s must be built with $.workload({ ... }), which applies the defaults and checks it' % folder;
  assert isLabel(folder) && folder != 'catalog' :
         'workloads.%s: the folder name must be a lowercase DNS label other than "catalog"' % folder;
  assert isLabel(name) : 'workloads.%s: the workload name "%s" must be a lowercase DNS label' % [folder, name];
  { name: name, folder: folder, serviceAccount: name, labels: { app: name } } + w;

{
  // Default values of every workload. A workload's spec is deep-merged over them
  // (std.mergePatch: objects merge field by field, lists and scalars replace, null removes).
  // A catalog may change them for all its workloads with `defaults+: { ... }`.
  defaults:: {
    // Base route weights. http[0].route follows this order: stable is route[0], canary route[1],
    // the indices that overlays/canary-routing and environments/<env>/routing.yaml patch.
    versions: [{ name: 'stable', weight: 100 }, { name: 'canary', weight: 0 }],
    // (1 + 2 attempts) x 3s = 9s <= 10s: the route timeout caps all tries.
    timeout: '10s',
    retries: {
      attempts: 2,
      perTryTimeout: '3s',
      // Failures before the app processed the request, plus 503 (circuit-breaker overflow, no
      // healthy upstream): worth another try on another pod.
      retryOn: 'connect-failure,refused-stream,unavailable,cancelled,503',
    },
    // Sized for many short requests; environments/<env>/limits.yaml sets the per-environment sizes.
    connectionPool: {
      tcp: { maxConnections: 200 },
      http: {
        http1MaxPendingRequests: 200,
        http2MaxRequests: 1000,
        maxRequestsPerConnection: 1000,  // recycle connections so new pods get load
      },
    },
    outlierDetection: {
      consecutive5xxErrors: 5,
      interval: '10s',
      baseEjectionTime: '30s',
      // The default is 10%; with few pods per version that lets too little be ejected. 50% can
      // take a whole bad version out while half stays serving.
      maxEjectionPercent: 50,
    },
    sidecar: {
      // Added to every Sidecar's egress hosts after the workload's calls: istiod (xDS,
      // certificates) and the telemetry backends.
      extraEgressHosts: ['istio-system/*'],
      // Anything not listed, unknown external hosts included, is blocked (502 for HTTP,
      // connection reset for TLS/TCP) instead of passed through.
      outboundTrafficPolicy: 'REGISTRY_ONLY',
    },
    // External services (ServiceEntries) the workload owns, by name; generated into its folder.
    external: {},
    // Hand-written files in the workload folder that its generated kustomization.yaml lists too.
    extraResources: [],
  },

  // The catalog: `mesh.catalog { namespace: ..., workloads: { ... }, calls: [ ... ] }`.
  catalog:: {
    local catalog = self,

    // The namespace every workload lives in.
    namespace:: error 'the catalog must set namespace, for example namespace: "vapora"',
    // The SPIFFE trust domain of principals (cluster.local/ns/<namespace>/sa/<service account>).
    trustDomain:: 'cluster.local',
    defaults:: $.defaults,

    // Callers that are not workloads of this catalog, by name: the principal they present.
    identities:: {
      // The shared ingress gateway: Helm `gateway` chart release istio-ingressgateway in
      // istio-ingress (docs/delivery.md), whose ServiceAccount has the release's name.
      'istio-ingressgateway': { principal: catalog.trustDomain + '/ns/istio-ingress/sa/istio-ingressgateway' },
    },

    // Workloads by folder: `<folder>: $.workload({ ... })` generates base/<folder>/.
    workloads:: {},
    // Every allowed call, caller -> callee, as $.call(...). Everything else is denied
    // (base/mesh/deny-all.yaml) and, for egress, blocked by the Sidecars.
    calls:: [],

    // The workload name for a folder: Service, ServiceAccount, subsets' host and every object
    // generated for it are named so. Override in the catalog to name workloads differently.
    workloadName(folder):: catalog.namespace + '-' + folder,

    // One workload. `spec` holds `ports` (required) and whatever differs from `defaults`:
    //   ports:            [{ name: '<protocol>[-suffix]', port: <Service port>, targetPort: <container port>, protocol: 'TCP' }]
    //                     ports[0] is the port the VirtualService routes; targetPort defaults to port.
    //   serviceAccount:   default: the workload name.
    //   labels:           the pod labels that select the workload; default { app: <name> }.
    //   versions:         [{ name, weight, labels? (default { version: <name> }) }], route order.
    //   timeout, retries: { attempts, perTryTimeout, retryOn }: the mesh route.
    //   connectionPool, outlierDetection: the DestinationRule's trafficPolicy (Istio's fields).
    //   sidecar:          { extraEgressHosts, outboundTrafficPolicy }.
    //   external:         { <name>: { hosts, ports: [{ number, name, protocol }], location?, resolution?, exportTo? } }
    //   extraResources:   hand-written files in the folder, listed in its kustomization.yaml.
    workload(spec)::
      local w = checkWorkloadSpec(spec, catalog.defaults);
      {
        isMeshWorkload:: true,
        ports: [{ targetPort: p.port, protocol: 'TCP' } + p for p in w.ports],
        versions: [{ labels: { version: v.name } } + v for v in w.versions],
        route: { timeout: w.timeout, retries: w.retries },
        connectionPool: w.connectionPool,
        outlierDetection: w.outlierDetection,
        sidecar: w.sidecar,
        external: [
          { location: 'MESH_EXTERNAL', resolution: 'DNS', exportTo: ['.'] } + w.external[name] + { name: name }
          for name in std.objectFields(w.external)
        ],
        extraResources: w.extraResources,
      }
      + (if std.objectHas(w, 'serviceAccount') then { serviceAccount: w.serviceAccount } else {})
      + (if std.objectHas(w, 'labels') then { labels: w.labels } else {}),

    // One allowed call: `from` (a workload name or a name in identities) may call `to` (a workload
    // name, or an external service of a workload).
    //   ports:      to a workload, required: the callee's port names or Service port numbers;
    //               the AuthorizationPolicy gets their container ports.
    //   methods:    HTTP methods, upper case; omitted: any.
    //   paths:      request paths (Istio's exact, prefix* and *suffix forms); omitted: any.
    //   requireJwt: the request must carry a valid JWT (requestPrincipals: ["*"], in the same
    //               source as the caller's principal); the JWT is validated by a RequestAuthentication.
    // Calls to an external service are allowed per host (the caller's Sidecar egress): no ports,
    // methods, paths or requireJwt.
    call(from, to, ports=null, methods=null, paths=null, requireJwt=false)::
      local what = 'call %s -> %s' % [from, to];
      local registry = catalog.registry;
      local externals = registry.externals;
      local isWorkload(name) = std.objectHas(registry.workloads, name);
      local isIdentity(name) = std.objectHas(registry.identities, name);
      assert std.isString(from) && std.isString(to) : '$.call(from, to, ...) takes the caller and callee names as strings';
      assert !(isWorkload(from) && isIdentity(from)) :
             '%s: "%s" is both a workload and an identity; rename one' % [what, from];
      assert isWorkload(from) || isIdentity(from) :
             '%s: caller "%s" is not a known identity; known: workloads %s; identities %s (add other callers to identities)'
             % [what, from, quoted(std.objectFields(registry.workloads)), quoted(std.objectFields(registry.identities))];
      assert !isIdentity(to) || isWorkload(to) :
             '%s: "%s" is a caller identity, not a workload of this catalog: only workloads and their external services can be called'
             % [what, to];
      local externalOwners = std.get(externals, to, []);
      assert !(isWorkload(to) && std.length(externalOwners) > 0) :
             '%s: "%s" is both a workload and an external service; rename the external service' % [what, to];
      assert std.length(externalOwners) <= 1 :
             '%s: external service "%s" is declared by several workloads (%s); declare it once' % [what, to, join(externalOwners)];
      assert isWorkload(to) || std.length(externalOwners) == 1 :
             '%s: call to undeclared workload "%s"; workloads: %s%s'
             % [what, to, quoted(std.objectFields(registry.workloads)), if std.length(externals) == 0 then '' else '; external services: ' + quoted(std.objectFields(externals))];
      assert std.isBoolean(requireJwt) : '%s: requireJwt is true or false' % what;
      assert methods == null || (isStringList(methods) && std.length(methods) > 0 && std.all([std.member(HTTP_METHODS, m) for m in methods])) :
             '%s: methods must be a non-empty list of upper-case HTTP methods (%s), or omitted for any' % [what, join(HTTP_METHODS)];
      assert methods == null || !hasDuplicates(methods) : '%s: methods lists a method twice' % what;
      assert paths == null || (isStringList(paths) && std.length(paths) > 0 && std.all([std.startsWith(p, '/') || std.startsWith(p, '*') for p in paths])) :
             '%s: paths must be a non-empty list of paths such as "/api/*" (exact, prefix* or *suffix), or omitted for any' % what;
      local callerPrincipal =
        if isWorkload(from) then
          '%s/ns/%s/sa/%s' % [catalog.trustDomain, catalog.namespace, registry.workloads[from].serviceAccount]
        else registry.identities[from].principal;
      assert std.isString(callerPrincipal) && callerPrincipal != '' : '%s: identities["%s"].principal must be a principal string' % [what, from];
      if std.length(externalOwners) == 1 then
        assert ports == null && methods == null && paths == null && !requireJwt :
               '%s: calls to an external service are allowed per host (Sidecar egress); remove ports, methods, paths and requireJwt' % what;
        { from: from, principal: callerPrincipal, to: to, toKind: 'external', targetPorts: [], methods: [], paths: [], requireJwt: false }
      else
        local callee = registry.workloads[to];
        local exposed = join(['%d (%s -> container port %d)' % [p.port, p.name, p.targetPort] for p in callee.ports]);
        assert std.isArray(ports) && std.length(ports) > 0 :
               '%s: ports must name the callee ports the caller may use, by name or Service port: %s' % [what, exposed];
        local resolve(ref) =
          local byName = [p for p in callee.ports if p.name == ref];
          local byNumber = [p for p in callee.ports if p.port == ref];
          local asTarget = [p for p in callee.ports if p.targetPort == ref];
          if std.length(byName) + std.length(byNumber) == 1 then (byName + byNumber)[0]
          else if isInt(ref) && std.length(asTarget) > 0 then
            error '%s: port %d is a container port of %s; name the Service port %d or the port name "%s"'
                  % [what, ref, to, asTarget[0].port, asTarget[0].name]
          else error '%s: %s does not expose port %s; its ports: %s' % [what, to, std.toString(ref), exposed];
        local resolved = [resolve(r) for r in ports];
        assert !hasDuplicates([p.name for p in resolved]) : '%s: ports names the same port twice' % what;
        local nonHttp = [p.name for p in resolved if !isHttpPort(p)];
        assert (methods == null && paths == null && !requireJwt) || std.length(nonHttp) == 0 :
               '%s: methods, paths and requireJwt are HTTP-only, and %s is not an HTTP port: Istio would drop the whole rule'
               % [what, quoted(nonHttp)];
        {
          from: from,
          principal: callerPrincipal,
          to: to,
          toKind: 'workload',
          targetPorts: [p.targetPort for p in resolved],
          methods: if methods == null then [] else methods,
          paths: if paths == null then [] else paths,
          requireJwt: requireJwt,
        },

    // The workloads (checked, with defaults and names) and identities that $.call resolves names
    // against. meshPolicyCatalog evaluates them once and binds them here before it evaluates the
    // calls, so that every $.call reads plain data instead of checking every workload again.
    registry:: error 'internal: $.call runs while meshPolicyCatalog is evaluated, which binds the registry',

    // The one visible field: what `mesh-policy generate` reads (tools/src/generate/catalog.ts).
    meshPolicyCatalog:
      local folders = std.objectFields(catalog.workloads);
      local workloads = materialize([finalWorkload(catalog, folder) for folder in folders]);
      local externals = std.foldl(
        function(acc, w) acc + { [e.name]: std.get(acc, e.name, []) + [w.name] for e in w.external },
        workloads,
        {}
      );
      // Locals, not fields: a local is evaluated once, a field on every access.
      local byName = { [w.name]: w for w in workloads };
      local externalOwners = materialize(externals);
      local identities = materialize(catalog.identities);
      local registry = { workloads: byName, externals: externalOwners, identities: identities };
      local bound = catalog + { registry:: registry };
      {
        version: 1,
        namespace: catalog.namespace,
        trustDomain: catalog.trustDomain,
        workloads: workloads,
        calls: bound.calls,
      },
  },
}
