import groovy.transform.Field

/*
 * argoWait: follow workflows that already exist on the Argo Server until
 * they end, as `argo-trigger wait` does.
 *
 *     Map run = argoSubmit(credentialsId: 'argo-token', template: 'ci-build')
 *     // ... other work while the workflow runs ...
 *     Map done = argoWait(credentialsId: 'argo-token',
 *                         names: run.workflowNames,
 *                         log: true,
 *                         timeout: '30m')
 *     echo "${done.workflowName} ${done.phase}"
 *
 * A workflow that fails, or a wait that times out, fails the build.
 * Returns a Map: eventId (null), workflowName, workflowNames, phase,
 * workflowUrl. argoWait.txt describes every option.
 */

// Every option and its default, merged with the caller's map; an option not
// listed here fails the step. Options left null or empty set nothing, so the
// agent's own ARGO_* variables, then argo-trigger's defaults, apply.
@Field final Map DEFAULTS = [
    // Argo Server: host:port or an http(s):// URL (else ARGO_SERVER)
    server: null,
    // ID of a Secret Text credential holding the token (else ARGO_TOKEN)
    credentialsId: null,
    // namespace of the workflows (else ARGO_NAMESPACE, argo)
    namespace: null,
    // path prefix when the server sits behind an ingress (else ARGO_BASE_HREF)
    baseHref: null,
    // required: the names of the workflows to wait for
    names: null,
    // true: stream the workflows' logs into the build log while waiting
    log: null,
    // stop waiting after this long: seconds, or '30m', '2h' (default: never)
    timeout: null,
    // on timeout or an aborted build: leave the workflows, stop or terminate
    onAbort: null,
    // give up on one call to the server after this long (default: 30s)
    requestTimeout: null,
    // CA bundle that signed the server's certificate
    caFile: null,
    // true: do not verify the server's certificate
    insecureSkipVerify: null,
    // base URL of the Argo UI for workflow links (default: the server)
    uiUrl: null,
    // pip requirement installed into a virtualenv under the workspace's @tmp
    install: 'argo-trigger==0.1.0',
    // an argo-trigger already on the agent (path or command): no install
    executable: null,
]

/**
 * Wait for the named workflows to end and return how they ended.
 * Fails the build (error) for a bad option or no names, and with
 * argo-trigger's own message when a workflow is not found, fails or ends
 * in Error, or the wait times out.
 */
Map call(Map options = [:]) {
    Map config = argoTriggerCli.settings('argoWait', DEFAULTS, options)
    if (!config.names) {
        error('argoWait: names is required: the workflows to wait for, ' +
            "such as names: ['ci-build-x7k2p'] or a step's workflowNames")
    }
    List<String> entries = argoTriggerCli.variables(config) + waitVariables(config)
    Map output = argoTriggerCli.runCommand('argoWait', 'wait', config, entries)
    Map result = argoTriggerCli.resultOf(output)
    echo(argoTriggerCli.outcomeLine('argoWait', result))
    return result
}

// @NonCPS methods here use no other global variable: they run outside the
// pipeline's step machinery, which looking one up would need.
@NonCPS
private List<String> waitVariables(Map config) {
    List<String> names = config.names.collect { it.toString() }
    return ["ARGO_TRIGGER_NAMES=${names.join('\n')}".toString()]
}
