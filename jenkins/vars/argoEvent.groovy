import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import groovy.transform.Field

/*
 * argoEvent: send this build's event to the Argo Server, where the
 * WorkflowEventBindings of the namespace decide which workflows to start.
 *
 *     Map sent = argoEvent(server: 'https://argo.example.com',
 *                          credentialsId: 'argo-token',
 *                          discriminator: 'ci',
 *                          params: [environment: 'staging'])
 *     echo "event ${sent.eventId}"
 *
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
    // give up on the server after this long: seconds, or '30s', '5m'
    timeout: null,
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
 * Send the event and return what argo-trigger reports about it.
 * Fails the build (error) for a bad option and with argo-trigger's own
 * message when the server cannot be reached or refuses the event.
 */
Map call(Map options = [:]) {
    Map config = argoTriggerCli.settings('argoEvent', DEFAULTS, options)
    List<String> entries = argoTriggerCli.variables(config) + eventVariables(config)
    Map output = argoTriggerCli.runCommand('argoEvent', 'event', config, entries)
    Map result = resultOf(output.stdout as String, output.dotenv as Map)
    echo("argoEvent: event ${result.eventId} accepted")
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

// Parsed and copied in one @NonCPS method: JsonSlurper's maps cannot be
// saved with the pipeline's state, so none may outlive this call.
@NonCPS
private Map resultOf(String stdout, Map dotenv) {
    Map answer = new JsonSlurper().parseText(stdout) as Map
    List<String> names = (answer.workflows ?: []).collect { it.name as String }
    return [
        eventId: answer.event_id as String,
        workflowName: names ? names[0] : null,
        workflowNames: names,
        phase: answer.phase as String,
        workflowUrl: dotenv.ARGO_WORKFLOW_URL ?: null,
    ]
}
