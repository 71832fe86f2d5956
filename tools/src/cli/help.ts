export const HELP = `mesh-policy: render, validate and lint the mesh policy of every environment

Usage:
  mesh-policy check    [ENV...]                  render + validate + lint every (or the named) environment
  mesh-policy check    [ENV...] --server-dry-run [--kubeconfig FILE] [--context NAME]
                                                 the same, and send every rendered object to the cluster
                                                 as a server-side dry-run (its API server and admission
                                                 webhooks, e.g. Istio's, judge it; nothing is persisted)
  mesh-policy render   ENV [--output FILE]       print what kustomize (and so Argo CD) renders for ENV
  mesh-policy validate [PATH...] [--env ENV]... [--kubeconform]
                                                 schema-check files, folders or environments (and
                                                 run the real kubeconform on the same objects)
  mesh-policy lint     [PATH...] [--env ENV]...  Istio semantic rules on files, folders or environments
  mesh-policy diff     --base REF [--head REF] [ENV...] [--exit-code]
                                                 what Argo CD changes in each environment when HEAD is
                                                 merged into REF (each environment's Application read at
                                                 both: one that follows main changes by the head's
                                                 rendering, a pinned one only when its pin moves; what a
                                                 pinned one gets at its next promotion shown as pending),
                                                 and who can newly reach whom; --exit-code: exit 1 when
                                                 anything changes on merge (no --head: the working tree,
                                                 uncommitted edits included; --base pinned ENV: the two
                                                 renders of ENV's pinned commit and the head, as they are)
  mesh-policy diff     --env A --against-env B [--head REF]
                                                 what B would change if it rendered what A renders
  mesh-policy explain  --env ENV --from SOURCE --to SERVICE:PORT [--method M] [--path P]
                       [--header k=v]... [--jwt-claims FILE]
                                                 would this request be routed and allowed, and why
  mesh-policy graph    --env ENV [--format mermaid|json|html|text]
                                                 who can reach whom: the access matrix and graph
  mesh-policy promote  FROM TO [--revision SHA] [--allow-rollback] [--dry-run] [--pr-body FILE]
                       [--min-soak-hours N] [--force-gates soak,window] [--format text|json]
                                                 prepare the promotion: pin TO's Application to FROM's
                                                 commit, with gates and the rendered diff in a PR body
  mesh-policy drift    ENV [--kubeconfig FILE] [--context NAME] [--format text|json]
                                                 compare the rendered environment with the live cluster
  mesh-policy generate [--check]                  service catalog (base/catalog) -> base/<workload>/ YAML;
                                                 --check names stale files and writes nothing
  mesh-policy schemas export --kubeconform DIR   our schemas in kubeconform's layout, for offline use
  mesh-policy rules    [--format text|json|markdown]
                                                 list the checks (markdown: docs/rules.md)

Options:
  --format text|json|sarif|markdown|github
                             report format (default text): sarif for code scanning, markdown for a
                             pull-request comment, github for workflow annotations
  --output FILE              write the report to FILE (whole or not at all) instead of stdout
  --fail-on error|warning|info|never
                             lowest severity that makes the exit code 1 (default error)
  --env ENV                  an environment to render and check (repeatable)
  --skip-kind KIND           do not schema-check objects of this kind (repeatable)
  --no-cache                 render again even when the inputs did not change
  --verbose                  also print a failing tool's own output (kustomize's error text)
  --limit NAME=VALUE         change a bound of the run (repeatable): kustomize-time (120s),
                             kustomize-memory (2GiB), kustomize-output (256MiB), jsonnet-time (60s),
                             jsonnet-memory (1GiB), cluster-time (30s), cluster-response (64MiB)
  --allow-remote-resources   let kustomize fetch remote resources (URLs, git repositories; never cached)
  --kubeconfig FILE          the cluster for check --server-dry-run and drift (default $KUBECONFIG,
                             then ~/.kube/config); --context NAME picks a context other than the current one

  --help, --version

Environment:
  MESH_POLICY_KUSTOMIZE      the kustomize binary (default: .tools/bin/kustomize, which
                             tools/install-tools.sh installs, then kustomize on PATH, then kubectl kustomize)
  MESH_POLICY_KUBECONFORM    the kubeconform binary (default: .tools/bin/kubeconform, then PATH)
  MESH_POLICY_CACHE_DIR      where renders are cached (default .cache/mesh-policy/renders)
  MESH_POLICY_DEBUG=1        print the stack trace of an internal error

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 internal error.
`;
