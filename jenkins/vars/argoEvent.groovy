import groovy.json.JsonOutput
import groovy.transform.Field

/*
 * argoEvent: send this build's event to the Argo Server, where the
 * WorkflowEventBindings of the namespace decide which workflows to start.
 *
 *     Map sent = argoEvent(server: 'https://argo.example.com',
 *                          credentialsId: 'argo-token',
 *                          discriminator: 'ci',
 *                          params: [environment: 'staging'],
 *                          wait: true)
 *     echo "${sent.workflowName} ${sent.phase}: ${sent.workflowUrl}"
 *
 * With wait, the step finds the workflows the event started and follows
 * them to their end; a workflow that fails fails the build.
 * Returns a Map: eventId, workflowName, workflowNames, phase, workflowUrl.
 * argoEvent.txt describes every option.
 */

// Every option and its default, merged with the caller's map; an option not
// listed here fails the step. Options left null or empty set nothing, so the
// agent's own ARGO_* variables, then argo-trigger's defaults, apply.
@Field final Map DEFAULTS = [
    // Argo Server: host:port or an http(s):// URL (else ARGO_SERVER)
    server: null,
    // ID of a Secret Text credential holding the token (else ARGO_TOKEN)
    credentialsId: null,
    // namespace whose bindings receive the event (else ARGO_NAMESPACE, argo)
    namespace: null,
    // path prefix when the server sits behind an ingress (else ARGO_BASE_HREF)
    baseHref: null,
    // last path segment of /api/v1/events/NAMESPACE/DISCRIMINATOR
    discriminator: null,
    // the pipeline's own values, sent as strings in payload.params
    params: [:],
    // true: find the workflows the event started and wait for them to end
    // (else ARGO_TRIGGER_WAIT; default: do not wait)
    wait: null,
    // true: stream the workflows' logs into the build log while waiting
    log: null,
    // stop waiting after this long: seconds, or '30m', '2h' (default: never)
    timeout: null,
    // on timeout or an aborted build: leave the workflows, stop or terminate
    onAbort: null,
    // how long to look for the workflows the event started (default: 60s)
    discoverTimeout: null,
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
 * Send the event, wait for its workflows if asked, and return what
 * argo-trigger reports. Fails the build (error) for a bad option, and with
 * argo-trigger's own message when the server cannot be reached or refuses
 * the event, when no workflow is found, or when a workflow fails or the
 * wait times out.
 */
Map call(Map options = [:]) {
    Map config = argoTriggerCli.settings('argoEvent', DEFAULTS, options)
    List<String> entries = argoTriggerCli.variables(config) + eventVariables(config)
    Map output = argoTriggerCli.runCommand('argoEvent', 'event', config, entries)
    Map result = argoTriggerCli.resultOf(output)
    echo("argoEvent: event ${result.eventId} accepted")
    if (config.wait == true) {
        echo(argoTriggerCli.outcomeLine('argoEvent', result))
    }
    return result
}

// @NonCPS methods here use no other global variable: they run outside the
// pipeline's step machinery, which looking one up would need.
@NonCPS
private List<String> eventVariables(Map config) {
    List<String> entries = []
    if (config.discriminator) {
        entries << "ARGO_TRIGGER_DISCRIMINATOR=${config.discriminator}".toString()
    }
    Map<String, String> params = (config.params ?: [:]).collectEntries { k, v ->
        [(k.toString()): v.toString()]
    }
    if (params) {
        entries << "ARGO_TRIGGER_PARAMS=${JsonOutput.toJson(params)}".toString()
    }
    return entries
}
