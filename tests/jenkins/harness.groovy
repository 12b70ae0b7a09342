/*
 * Runs the library's vars/ scripts as Jenkins loads them (one Script per file
 * sharing a Binding), with the pipeline steps bound to recording stand-ins.
 *
 *     groovy harness.groovy CASES.json RESULTS.json
 *
 * CASES.json: {"vars": DIR, "resources": DIR, "cases": [CASE, ...]}, where
 * a CASE is
 *     name         what the test calls it
 *     step         the global variable to call (argoEvent, argoSubmit)
 *     options      the Map it is called with (absent: called with no Map)
 *     env          the build's environment (WORKSPACE, JENKINS_URL, ...)
 *     credentials  credential ID -> secret text
 *     unix         what isUnix() answers (default true)
 *     sh           "run": really run the script with /bin/sh -xe, as the sh
 *                  step does; or {"status": N, "files": {NAME: TEXT}}: write
 *                  each file into ARGO_TRIGGER_CALL_DIR and return N.
 * RESULTS.json: one record per case: name, result (what the step returned),
 * error (the message of error(...)), exception (anything else thrown), and
 * steps (each step called, in order, with its arguments).
 */

import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.customizers.ImportCustomizer

/** What error(...) throws, as Jenkins' AbortException does. */
class StepError extends RuntimeException {
    StepError(String message) {
        super(message)
    }
}

/** The `env` global: the build's variables under withEnv/withCredentials. */
class Environment extends GroovyObjectSupport {
    Map<String, String> base
    List<Map<String, String>> layers = []

    Object getProperty(String name) {
        Map<String, String> all = merged()
        return all.containsKey(name) ? all[name] : null
    }

    void setProperty(String name, Object value) {
        base[name] = value?.toString()
    }

    Map<String, String> merged() {
        Map<String, String> all = new LinkedHashMap<>(base)
        layers.each { all.putAll(it) }
        return all
    }

    /** Only what the steps added, not the build's own variables. */
    Map<String, String> added() {
        Map<String, String> all = [:]
        layers.each { all.putAll(it) }
        return all
    }

    Object inside(Map<String, String> layer, Closure body) {
        layers << layer
        try {
            return body()
        } finally {
            layers.remove(layers.size() - 1)
        }
    }
}

/** What string(...) gives in Jenkins: a description of a binding, not a Map. */
class StringBinding {
    String credentialsId
    String variable

    Map describe() {
        return [binding: 'string', credentialsId: credentialsId, variable: variable]
    }
}

class Case {
    Map spec
    File resources
    Environment env
    List<Map> steps = []
    List<String> dirs = []

    Map record(String step, Map arguments) {
        Map entry = [step: step] + arguments
        steps << entry
        return entry
    }

    File file(String path) {
        File file = new File(path)
        return file.absolute ? file : new File(dirs ? dirs[-1] : env.WORKSPACE, path)
    }

    Binding binding() {
        Binding binding = new Binding()
        binding.setVariable('env', env)
        binding.setVariable('echo', { String text -> record('echo', [text: text]) })
        binding.setVariable('error', { String message ->
            record('error', [message: message])
            throw new StepError(message)
        })
        binding.setVariable('isUnix', {
            record('isUnix', [:])
            return spec.unix == null ? true : spec.unix
        })
        binding.setVariable('libraryResource', { String path ->
            record('libraryResource', [resource: path])
            return new File(resources, path).getText('UTF-8')
        })
        binding.setVariable('writeFile', { Map args ->
            record('writeFile', [file: args.file, text: args.text])
            File target = file(args.file as String)
            target.parentFile.mkdirs()
            target.setText(args.text as String, 'UTF-8')
        })
        binding.setVariable('readFile', { args ->
            String path = args instanceof Map ? args.file : args
            record('readFile', [file: path])
            return file(path).getText('UTF-8')
        })
        binding.setVariable('fileExists', { String path ->
            record('fileExists', [file: path])
            return file(path).exists()
        })
        binding.setVariable('dir', { String path, Closure body ->
            record('dir', [path: path])
            dirs << file(path).path
            try {
                return body()
            } finally {
                dirs.remove(dirs.size() - 1)
            }
        })
        binding.setVariable('deleteDir', {
            String path = dirs ? dirs[-1] : env.WORKSPACE
            record('deleteDir', [path: path])
            new File(path).deleteDir()
        })
        binding.setVariable('string', { Map args ->
            return new StringBinding(args)
        })
        binding.setVariable('withCredentials', { List bindings, Closure body ->
            record('withCredentials', [bindings: bindings*.describe()])
            Map<String, String> layer = [:]
            bindings.each { StringBinding it ->
                Map<String, String> known = spec.credentials ?: [:]
                if (!known.containsKey(it.credentialsId)) {
                    throw new IllegalArgumentException('Could not find ' +
                        "credentials entry with ID '${it.credentialsId}'")
                }
                layer[it.variable as String] = known[it.credentialsId]
            }
            return env.inside(layer, body)
        })
        binding.setVariable('withEnv', { List entries, Closure body ->
            List<String> texts = entries.collect { it.toString() }
            record('withEnv', [entries: texts])
            Map<String, String> layer = [:]
            texts.each { String entry ->
                int equals = entry.indexOf('=')
                layer[entry.substring(0, equals)] = entry.substring(equals + 1)
            }
            return env.inside(layer, body)
        })
        binding.setVariable('sh', { Map args -> sh(args) })
        return binding
    }

    Object sh(Map args) {
        Map entry = record('sh', [
            script: args.script,
            returnStatus: args.returnStatus ?: false,
            env: env.added(),
        ])
        if (spec.sh == 'run') {
            return runShell(args.script as String, entry)
        }
        String callDir = env.ARGO_TRIGGER_CALL_DIR
        (spec.sh?.files ?: [:]).each { String name, String text ->
            File target = new File(callDir, name)
            target.parentFile.mkdirs()
            target.setText(text, 'UTF-8')
        }
        return spec.sh?.status ?: 0
    }

    Object runShell(String script, Map entry) {
        ProcessBuilder builder = new ProcessBuilder('/bin/sh', '-xe', '-c', script)
        builder.directory(new File(env.WORKSPACE as String))
        builder.environment().putAll(env.merged().findAll { it.value != null })
        File out = File.createTempFile('sh-', '.out')
        File err = File.createTempFile('sh-', '.err')
        builder.redirectOutput(out).redirectError(err)
        int status = builder.start().waitFor()
        entry.status = status
        entry.stdout = out.getText('UTF-8')
        entry.stderr = err.getText('UTF-8')
        out.delete()
        err.delete()
        return status
    }
}

Map runCase(Map spec, File vars, File resources) {
    Case run = new Case(
        spec: spec,
        resources: resources,
        env: new Environment(base: new LinkedHashMap(spec.env ?: [:])),
    )
    Binding binding = run.binding()
    GroovyShell shell = new GroovyShell(this.class.classLoader, binding, compiler())
    vars.listFiles().findAll { it.name.endsWith('.groovy') }.each { File file ->
        Script script = shell.parse(file)
        binding.setVariable(file.name - '.groovy', script)
    }

    Map record = [name: spec.name]
    try {
        Script step = binding.getVariable(spec.step) as Script
        Object[] arguments = spec.containsKey('options') ? [spec.options] : []
        record.result = step.invokeMethod('call', arguments)
    } catch (StepError error) {
        record.error = error.message
    } catch (Throwable thrown) {
        record.exception = "${thrown.class.name}: ${thrown.message}".toString()
    }
    record.steps = run.steps
    return record
}

// Jenkins compiles vars/ scripts with @NonCPS in scope; a stand-in annotation
// of the same name makes them compile here.
CompilerConfiguration compiler() {
    ImportCustomizer imports = new ImportCustomizer()
    imports.addImport('NonCPS', 'com.cloudbees.groovy.cps.NonCPS')
    CompilerConfiguration configuration = new CompilerConfiguration()
    configuration.addCompilationCustomizers(imports)
    return configuration
}

void defineNonCps() {
    this.class.classLoader.parseClass('''
        package com.cloudbees.groovy.cps
        import java.lang.annotation.*
        @Retention(RetentionPolicy.RUNTIME)
        @interface NonCPS {}
    ''')
}

Map input = new JsonSlurper().parse(new File(args[0]), 'UTF-8') as Map
defineNonCps()
File vars = new File(input.vars as String)
File resources = new File(input.resources as String)
List<Map> results = input.cases.collect { Map spec -> runCase(spec, vars, resources) }
new File(args[1]).setText(JsonOutput.toJson(results), 'UTF-8')
