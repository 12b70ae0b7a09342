import groovy.transform.Field

/*
 * What argoEvent and argoSubmit share: checking a step's options, turning them
 * into environment variables, and running the argo-trigger command line
 * through the library resource argo-trigger/run.sh. Pipelines call argoEvent
 * and argoSubmit; this variable is their machinery.
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
    timeout: 'duration',
    caFile: 'text',
    insecureSkipVerify: 'boolean',
    uiUrl: 'text',
    install: 'text',
    executable: 'text',
]

// The connection options, by the argo-trigger variable each one sets.
@Field final Map CONNECTION = [
    server: 'ARGO_SERVER',
    namespace: 'ARGO_NAMESPACE',
    baseHref: 'ARGO_BASE_HREF',
    timeout: 'ARGO_TRIGGER_TIMEOUT',
    caFile: 'ARGO_TRIGGER_CA_FILE',
    insecureSkipVerify: 'ARGO_INSECURE_SKIP_VERIFY',
    uiUrl: 'ARGO_TRIGGER_UI_URL',
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
        default:
            return value instanceof Map ? mapProblem(step, key, value) :
                "${step}: ${key} must be a map of names to values, " +
                "not ${typeName(value)}"
    }
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
 * The environment entries (NAME=VALUE) for the connection and install
 * options. An option left null or empty sets nothing, so the agent's own
 * ARGO_* variables, or argo-trigger's defaults, apply.
 */
@NonCPS
List<String> variables(Map config) {
    List<String> entries = []
    CONNECTION.each { String option, String variable ->
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
 * the dotenv result]. Fails the build (error) on a Windows agent, outside a
 * workspace, and with argo-trigger's own message when it exits non-zero.
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

    List<String> environment = entries + [
        "ARGO_TRIGGER_HOME=${home}".toString(),
        "ARGO_TRIGGER_CALL_DIR=${callDir}".toString(),
    ]
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
        error(stderr ?: "${step}: argo-trigger exited with status ${status} " +
            'and printed no message')
    }
    if (stderr) {
        echo(stderr)
    }
    return [stdout: stdout, dotenv: dotenvValues(dotenv)]
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
