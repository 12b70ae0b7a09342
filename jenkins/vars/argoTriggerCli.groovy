import groovy.json.JsonSlurper
import groovy.transform.Field

/*
 * What argoEvent, argoSubmit and argoWait share: checking a step's options,
 * turning them into environment variables, running the argo-trigger command
 * line through the library resource argo-trigger/run.sh, and reading its
 * result. Pipelines call the steps; this variable is their machinery.
 *
 * The token never passes through here as a value: withCredentials puts it in
 * ARGO_TOKEN for the sh step, and argo-trigger reads it from there.
 */

// The kind of value each option takes. Anything else fails the step before
// it touches the agent.
@Field final Map KINDS = [
    server: 'text',
    credentialsId: 'text',
    namespace: 'text',
    baseHref: 'text',
    discriminator: 'text',
    params: 'map',
    template: 'text',
    parameters: 'map',
    names: 'names',
    wait: 'boolean',
    log: 'boolean',
    timeout: 'duration',
    onAbort: 'choice',
    discoverTimeout: 'duration',
    requestTimeout: 'duration',
    caFile: 'text',
    insecureSkipVerify: 'boolean',
    uiUrl: 'text',
    install: 'text',
    executable: 'text',
]

// The values an option of kind 'choice' may take.
@Field final Map CHOICES = [
    onAbort: ['leave', 'stop', 'terminate'],
]

// The options that argo-trigger reads from a variable of its own, by that
// variable. A step passes on only the ones it has.
@Field final Map VARIABLES = [
    server: 'ARGO_SERVER',
    namespace: 'ARGO_NAMESPACE',
    baseHref: 'ARGO_BASE_HREF',
    requestTimeout: 'ARGO_TRIGGER_REQUEST_TIMEOUT',
    caFile: 'ARGO_TRIGGER_CA_FILE',
    insecureSkipVerify: 'ARGO_INSECURE_SKIP_VERIFY',
    uiUrl: 'ARGO_TRIGGER_UI_URL',
    wait: 'ARGO_TRIGGER_WAIT',
    log: 'ARGO_TRIGGER_LOG',
    timeout: 'ARGO_TRIGGER_TIMEOUT',
    onAbort: 'ARGO_TRIGGER_ON_ABORT',
    discoverTimeout: 'ARGO_TRIGGER_DISCOVER_TIMEOUT',
]

/**
 * The step's defaults with the caller's options laid over them.
 * Fails the build (error) for an unknown option or a value of the wrong kind.
 */
Map settings(String step, Map defaults, Map options) {
    String problem = problemWith(step, defaults, options ?: [:])
    if (problem) {
        error(problem)
    }
    Map merged = [:]
    merged.putAll(defaults)
    merged.putAll(options ?: [:])
    return merged
}

@NonCPS
private String problemWith(String step, Map defaults, Map options) {
    List<String> unknown = options.keySet().findAll { !defaults.containsKey(it) }
        .collect { it.toString() }
        .sort()
    if (unknown) {
        String known = defaults.keySet().sort().join(', ')
        return "${step}: unknown option ${unknown.join(', ')}; " +
            "the options are ${known}"
    }
    for (Map.Entry option : options.entrySet()) {
        String problem = kindProblem(step, option.key, option.value)
        if (problem) {
            return problem
        }
    }
    return null
}

@NonCPS
private String kindProblem(String step, Object key, Object value) {
    if (value == null) {
        return null
    }
    switch (KINDS[key]) {
        case 'text':
            return value instanceof CharSequence ? null :
                "${step}: ${key} must be a string, not ${typeName(value)}"
        case 'boolean':
            return value instanceof Boolean ? null :
                "${step}: ${key} must be true or false, not ${typeName(value)}"
        case 'duration':
            return value instanceof Number || value instanceof CharSequence ?
                null :
                "${step}: ${key} must be seconds (30) or a duration ('5m'), " +
                "not ${typeName(value)}"
        case 'choice':
            List choices = CHOICES[key] as List
            boolean known = value instanceof CharSequence &&
                choices.contains(value.toString())
            return known ? null :
                "${step}: ${key} must be one of ${choices.join(', ')}, " +
                "not '${value}'"
        case 'names':
            return value instanceof List ? namesProblem(step, key, value) :
                "${step}: ${key} must be a list of workflow names, " +
                "not ${typeName(value)}"
        default:
            return value instanceof Map ? mapProblem(step, key, value) :
                "${step}: ${key} must be a map of names to values, " +
                "not ${typeName(value)}"
    }
}

// Workflow names reach run.sh one a line and argo-trigger as arguments.
@NonCPS
private String namesProblem(String step, Object key, List names) {
    for (Object name : names) {
        String text = name instanceof CharSequence ? name.toString() : ''
        boolean word = text && text == text.replaceAll('\\s', '')
        if (!word) {
            return "${step}: ${key} must hold workflow names, not " +
                (name instanceof CharSequence ? "'${name}'" : typeName(name))
        }
    }
    return null
}

@NonCPS
private String mapProblem(String step, Object key, Map values) {
    for (Map.Entry entry : values.entrySet()) {
        if (!(entry.key instanceof CharSequence) || !entry.key.toString()) {
            return "${step}: ${key} has a name that is not a non-empty string"
        }
        Object value = entry.value
        boolean scalar = value instanceof CharSequence ||
            value instanceof Number || value instanceof Boolean
        if (!scalar) {
            return "${step}: ${key}.${entry.key} must be a string, number " +
                "or boolean, not ${typeName(value)}"
        }
    }
    return null
}

@NonCPS
private String typeName(Object value) {
    return value == null ? 'null' : value.getClass().simpleName
}

/**
 * The environment entries (NAME=VALUE) for the options argo-trigger reads
 * from its own variables, and for the install options. An option left null
 * or empty sets nothing, so the agent's own ARGO_* variables, or
 * argo-trigger's defaults, apply.
 */
@NonCPS
List<String> variables(Map config) {
    List<String> entries = []
    VARIABLES.each { String option, String variable ->
        // null and '' set nothing; false and 0 are values to pass on.
        Object value = config[option]
        if (value != null && value.toString() != '') {
            entries << "${variable}=${value}".toString()
        }
    }
    if (config.executable) {
        entries << "ARGO_TRIGGER_EXECUTABLE=${config.executable}".toString()
    } else {
        entries << "ARGO_TRIGGER_INSTALL=${config.install}".toString()
    }
    return entries
}

/**
 * Run `argo-trigger -o json COMMAND` on this agent with the given extra
 * environment entries, and return [stdout: its JSON text, dotenv: a Map of
 * the dotenv result]. While argo-trigger follows workflows its progress and
 * their logs reach the build log as they come. Fails the build (error) on a
 * Windows agent, outside a workspace, and with argo-trigger's own closing
 * message when it exits non-zero (a failed workflow among the reasons).
 */
Map runCommand(String step, String command, Map config, List<String> entries) {
    String workspace = env.WORKSPACE
    if (!workspace) {
        error("${step} needs a workspace: call it inside a node or agent block")
    }
    if (!isUnix()) {
        error("${step} runs argo-trigger with sh and needs a Linux or macOS " +
            'agent; this one is Windows')
    }

    // @tmp sits beside the workspace: an installed argo-trigger is kept for
    // later builds, and the checkout is never touched.
    String home = "${workspace}@tmp/argo-trigger"
    String callDir = "${home}/${command}-${UUID.randomUUID()}"
    writeFile(file: "${callDir}/run.sh", text: libraryResource('argo-trigger/run.sh'))

    boolean live = follows(command, config)
    List<String> environment = entries + [
        "ARGO_TRIGGER_HOME=${home}".toString(),
        "ARGO_TRIGGER_CALL_DIR=${callDir}".toString(),
    ]
    if (live) {
        environment << 'ARGO_TRIGGER_LIVE=true'
    }
    int status = 0
    withToken(config.credentialsId as String) {
        withEnv(environment) {
            // Only the command name is joined in, and it is the step's own
            // constant: every value travels in the environment, so no quote
            // or '$' from a pipeline can change what the shell runs.
            String script = 'sh "$ARGO_TRIGGER_CALL_DIR/run.sh" ' + command
            status = sh(script: script, returnStatus: true)
        }
    }

    String stdout = readIfThere("${callDir}/stdout")
    String stderr = readIfThere("${callDir}/stderr").trim()
    String dotenv = readIfThere("${callDir}/result.env")
    dir(callDir) {
        deleteDir()
    }
    if (status != 0) {
        error(closingMessage(stderr) ?: "${step}: argo-trigger exited with " +
            "status ${status} and printed no message")
    }
    // Followed runs showed their messages in the build log already.
    if (stderr && !live) {
        echo(stderr)
    }
    return [stdout: stdout, dotenv: dotenvValues(dotenv)]
}

/**
 * The step's result Map from argo-trigger's `-o json` output: the outcome
 * of an event or of a wait (eventId, workflows with their phase and link),
 * or the Workflow object that `submit` prints when it does not wait, whose
 * link only the dotenv result holds.
 */
@NonCPS
Map resultOf(Map output) {
    // Parsed and copied in one @NonCPS method: JsonSlurper's maps cannot be
    // saved with the pipeline's state, so none may outlive this call.
    Map answer = new JsonSlurper().parseText(output.stdout as String) as Map
    Map dotenv = output.dotenv as Map
    if (!answer.containsKey('workflows')) {
        String name = (answer.metadata as Map)?.name as String
        return result(null, name ? [name] : [], (answer.status as Map)?.phase,
            dotenv.ARGO_WORKFLOW_URL)
    }
    List<Map> workflows = answer.workflows as List<Map>
    String url = workflows ? workflows[0].url : null
    return result(answer.event_id, workflows.collect { it.name as String },
        answer.phase, url ?: dotenv.ARGO_WORKFLOW_URL)
}

@NonCPS
private Map result(Object eventId, List<String> names, Object phase, Object url) {
    return [
        eventId: eventId as String,
        workflowName: names ? names[0] : null,
        workflowNames: names,
        phase: (phase ?: null) as String,
        workflowUrl: (url ?: null) as String,
    ]
}

/**
 * The line a waiting step leaves in the build log, such as
 * "argoWait: ci-build-x7k2p Succeeded https://argo.example.com/...".
 */
@NonCPS
String outcomeLine(String step, Map result) {
    List<String> words = [step + ':', result.workflowNames.join(', '), result.phase]
    if (result.workflowUrl) {
        words << result.workflowUrl
    }
    return words.join(' ')
}

// argo-trigger follows workflows for `wait`, and for `event` and `submit`
// when the step asks it to.
@NonCPS
private boolean follows(String command, Map config) {
    return command == 'wait' || config.wait == true
}

// argo-trigger ends with its verdict: lines of its own, the failed steps
// indented beneath. Progress and workflow logs come before, so the lines at
// the end that have that form are what the build fails with.
@NonCPS
private String closingMessage(String stderr) {
    List<String> lines = stderr.readLines()
    int first = lines.size()
    while (first > 0 && closing(lines[first - 1])) {
        first--
    }
    while (first < lines.size() && lines[first].startsWith('  ')) {
        first++
    }
    List<String> closing = lines.subList(first, lines.size())
    return closing ? closing.join('\n') : stderr
}

@NonCPS
private boolean closing(String line) {
    return line.startsWith('argo-trigger: ') || line.startsWith('  ')
}

private void withToken(String credentialsId, Closure body) {
    if (credentialsId) {
        // Jenkins answers string(...) with a binding description, not a Map.
        def token = string(credentialsId: credentialsId, variable: 'ARGO_TOKEN')
        withCredentials([token]) {
            body()
        }
    } else {
        body()
    }
}

private String readIfThere(String path) {
    return fileExists(path) ? readFile(file: path, encoding: 'UTF-8') : ''
}

@NonCPS
private Map<String, String> dotenvValues(String text) {
    Map<String, String> values = [:]
    text.readLines().each { String line ->
        int equals = line.indexOf('=')
        if (equals > 0) {
            values[line.substring(0, equals)] = line.substring(equals + 1)
        }
    }
    return values
}
