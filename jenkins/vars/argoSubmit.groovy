import groovy.transform.Field

/*
 * argoSubmit: create a Workflow from a WorkflowTemplate (or a
 * ClusterWorkflowTemplate or CronWorkflow) on the Argo Server.
 *
 *     Map run = argoSubmit(server: 'https://argo.example.com',
 *                          credentialsId: 'argo-token',
 *                          template: 'ci-build',
 *                          parameters: [sha: env.GIT_COMMIT])
 *     echo "started ${run.workflowName}: ${run.workflowUrl}"
 *
 * With wait, the step follows the workflow to its end; if it fails, so does
 * the build.
 * Returns a Map: eventId (null), workflowName, workflowNames, phase,
 * workflowUrl. argoSubmit.txt describes every option.
 */

// Every option and its default, merged with the caller's map; an option not
// listed here fails the step. Options left null or empty set nothing, so the
// agent's own ARGO_* variables, then argo-trigger's defaults, apply.
@Field final Map DEFAULTS = [
    // Argo Server: host:port or an http(s):// URL (else ARGO_SERVER)
    server: null,
    // ID of a Secret Text credential holding the token (else ARGO_TOKEN)
    credentialsId: null,
    // namespace of the template and the workflow (else ARGO_NAMESPACE, argo)
    namespace: null,
    // path prefix when the server sits behind an ingress (else ARGO_BASE_HREF)
    baseHref: null,
    // required: a WorkflowTemplate name, or KIND/NAME for the other kinds
    template: null,
    // the workflow's parameters, NAME: VALUE
    parameters: [:],
    // true: wait for the workflow to end (else ARGO_TRIGGER_WAIT; default:
    // do not wait)
    wait: null,
    // true: stream the workflow's logs into the build log while waiting
    log: null,
    // stop waiting after this long: seconds, or '30m', '2h' (default: never)
    timeout: null,
    // on timeout or an aborted build: leave the workflow, stop or terminate it
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
 * Submit the template, wait for the workflow if asked, and return it.
 * Fails the build (error) for a bad option or a missing template, and with
 * argo-trigger's own message when the server refuses the submission, or
 * when the workflow fails or the wait times out.
 */
Map call(Map options = [:]) {
    Map config = argoTriggerCli.settings('argoSubmit', DEFAULTS, options)
    String problem = submitProblem(config)
    if (problem) {
        error(problem)
    }
    List<String> entries = argoTriggerCli.variables(config) + submitVariables(config)
    Map output = argoTriggerCli.runCommand('argoSubmit', 'submit', config, entries)
    Map result = argoTriggerCli.resultOf(output)
    echo("argoSubmit: created workflow ${result.workflowName}")
    if (config.wait == true) {
        echo(argoTriggerCli.outcomeLine('argoSubmit', result))
    }
    return result
}

// @NonCPS methods here use no other global variable: they run outside the
// pipeline's step machinery, which looking one up would need.
@NonCPS
private String submitProblem(Map config) {
    if (!config.template) {
        return 'argoSubmit: template is required: the name of the ' +
            'WorkflowTemplate to submit, or KIND/NAME'
    }
    // Parameters reach argo-trigger as NAME=VALUE lines.
    Map parameters = config.parameters ?: [:]
    for (Map.Entry entry : parameters.entrySet()) {
        String name = entry.key.toString()
        if (name.contains('=') || name.contains('\n')) {
            return "argoSubmit: parameter name '${name}' may not hold '=' " +
                'or a line break'
        }
        if (entry.value.toString().contains('\n')) {
            return "argoSubmit: parameters.${name} holds a line break; " +
                'workflow parameters given here must be one line each'
        }
    }
    return null
}

@NonCPS
private List<String> submitVariables(Map config) {
    Map parameters = config.parameters ?: [:]
    List<String> lines = parameters.collect { name, value -> "${name}=${value}" }
    return [
        "ARGO_TRIGGER_TEMPLATE=${config.template}".toString(),
        "ARGO_TRIGGER_PARAMETERS=${lines.join('\n')}".toString(),
    ]
}
