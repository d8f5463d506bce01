# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kforge_global_optspecs
    string join \n h/help V/version
end

function __fish_kforge_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kforge_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kforge_using_subcommand
    set -l cmd (__fish_kforge_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kforge -n "__fish_kforge_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kforge -n "__fish_kforge_needs_command" -s V -l version -d 'Print version'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "lint" -d 'Check charts, archives or manifests and report every problem'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "template" -d 'Render a chart and print the manifests with `# Source:` headers'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "simulate" -d 'Apply the manifests to an in-memory cluster and show the result'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "package" -d 'Lint a chart and write a byte-reproducible `<name>-<version>.tgz`'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "rules" -d 'List the rules, or explain one'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "explain" -d 'Show the schema of a kind or field, like `kubectl explain`, offline'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "init" -d 'Create a new chart that lints clean'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c kforge -n "__fish_kforge_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kforge -n "__fish_kforge_using_subcommand lint" -s f -l values -d 'Values file (YAML; - reads standard input); may repeat, later files win' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l set -d 'Set values: a.b=c,d[0]=e (types inferred)' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l set-string -d 'Set values, always as strings' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l set-file -d 'Set a value to the content of a file: key=path' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l set-json -d 'Set values from JSON: key={"a":1}' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l release-name -d 'Release name seen by templates' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -s n -l namespace -d 'Release namespace: where objects without a namespace land' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l kube-version -d 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -s a -l api-versions -d 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run\'s CRDs are always there)' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l max-objects -d 'Most YAML documents (objects) one run parses; more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l values-matrix -d 'Lint each chart once per values file matching GLOB (relative to the chart directory; quote it) instead of ci/*-values.yaml; may repeat' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l fail-on -d 'Lowest severity that makes the exit code 1' -r -f -a "error\t''
warning\t''
never\t''"
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l config -d 'Configuration file (default: .kforge.yaml found upwards from the input)' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l enable -d 'Enable a rule that is off by default; may repeat' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l disable -d 'Disable a rule; may repeat' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l crd -d 'CustomResourceDefinitions from elsewhere (file or directory); may repeat' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l cluster -d 'Cluster profile (YAML): nodes, NodePort range, service CIDR, existing objects' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l max-pods -d 'Most pods the in-memory cluster creates from workloads; more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l max-cluster-work -d 'Most scheduler steps (pods times the nodes each is tried on); more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l max-findings -d 'Most findings reported; more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l format -d 'Report format; may repeat, each paired with the --output that follows it' -r -f -a "human\t''
json\t''
sarif\t''
github\t''
junit\t''"
complete -c kforge -n "__fish_kforge_using_subcommand lint" -s o -l output -d 'Write the preceding --format to FILE instead of standard output' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l color -d 'Colour in human output' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l sarif-root -d 'Make SARIF paths relative to DIR (default: the git root)' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l changed -d 'The paths are changed files (as pre-commit passes them): lint the chart each one belongs to, once per chart, and the plain manifests among the rest; other files are skipped'
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l no-values-matrix -d 'Lint only the default configuration, not each ci/*-values.yaml'
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l strict -d 'Warnings fail the run too, and closed-world rules become errors'
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l no-cluster -d 'Skip the dry-run apply to the in-memory cluster'
complete -c kforge -n "__fish_kforge_using_subcommand lint" -l create-namespace -d 'Create the release namespace before applying'
complete -c kforge -n "__fish_kforge_using_subcommand lint" -s q -l quiet -d 'Only errors; no summary'
complete -c kforge -n "__fish_kforge_using_subcommand lint" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kforge -n "__fish_kforge_using_subcommand template" -s f -l values -d 'Values file (YAML; - reads standard input); may repeat, later files win' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand template" -l set -d 'Set values: a.b=c,d[0]=e (types inferred)' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -l set-string -d 'Set values, always as strings' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -l set-file -d 'Set a value to the content of a file: key=path' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -l set-json -d 'Set values from JSON: key={"a":1}' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -l release-name -d 'Release name seen by templates' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -s n -l namespace -d 'Release namespace: where objects without a namespace land' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -l kube-version -d 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -s a -l api-versions -d 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run\'s CRDs are always there)' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -l max-objects -d 'Most YAML documents (objects) one run parses; more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -s s -l show-only -d 'Only print these templates (e.g. templates/service.yaml); may repeat' -r
complete -c kforge -n "__fish_kforge_using_subcommand template" -l output-dir -d 'Write each rendered template under DIR instead of printing' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand template" -l color -d 'Colour in diagnostics' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kforge -n "__fish_kforge_using_subcommand template" -l notes -d 'Render templates/NOTES.txt too'
complete -c kforge -n "__fish_kforge_using_subcommand template" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -s f -l values -d 'Values file (YAML; - reads standard input); may repeat, later files win' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l set -d 'Set values: a.b=c,d[0]=e (types inferred)' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l set-string -d 'Set values, always as strings' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l set-file -d 'Set a value to the content of a file: key=path' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l set-json -d 'Set values from JSON: key={"a":1}' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l release-name -d 'Release name seen by templates' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -s n -l namespace -d 'Release namespace: where objects without a namespace land' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l kube-version -d 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -s a -l api-versions -d 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run\'s CRDs are always there)' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l max-objects -d 'Most YAML documents (objects) one run parses; more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l fail-on -d 'Lowest severity that makes the exit code 1' -r -f -a "error\t''
warning\t''
never\t''"
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l config -d 'Configuration file (default: .kforge.yaml found upwards from the input)' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l enable -d 'Enable a rule that is off by default; may repeat' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l disable -d 'Disable a rule; may repeat' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l crd -d 'CustomResourceDefinitions from elsewhere (file or directory); may repeat' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l cluster -d 'Cluster profile (YAML): nodes, NodePort range, service CIDR, existing objects' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l max-pods -d 'Most pods the in-memory cluster creates from workloads; more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l max-cluster-work -d 'Most scheduler steps (pods times the nodes each is tried on); more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l max-findings -d 'Most findings reported; more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -s o -l output -d 'What to print' -r -f -a "wide\t'Like `kubectl get all -o wide`'
yaml\t'Every object with the defaults the API server applies'
json\t'The whole cluster state as JSON'"
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l color -d 'Colour in diagnostics' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l strict -d 'Warnings fail the run too, and closed-world rules become errors'
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l no-cluster -d 'Skip the dry-run apply to the in-memory cluster'
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -l create-namespace -d 'Create the release namespace before applying'
complete -c kforge -n "__fish_kforge_using_subcommand simulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kforge -n "__fish_kforge_using_subcommand package" -s d -l destination -d 'Where to write the archive' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand package" -l version -d 'Set the chart version in the archive' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -l app-version -d 'Set the appVersion in the archive' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -s f -l values -d 'Values file (YAML; - reads standard input); may repeat, later files win' -r -F
complete -c kforge -n "__fish_kforge_using_subcommand package" -l set -d 'Set values: a.b=c,d[0]=e (types inferred)' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -l set-string -d 'Set values, always as strings' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -l set-file -d 'Set a value to the content of a file: key=path' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -l set-json -d 'Set values from JSON: key={"a":1}' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -l release-name -d 'Release name seen by templates' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -s n -l namespace -d 'Release namespace: where objects without a namespace land' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -l kube-version -d 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -s a -l api-versions -d 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run\'s CRDs are always there)' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -l max-objects -d 'Most YAML documents (objects) one run parses; more ends the run with exit code 2' -r
complete -c kforge -n "__fish_kforge_using_subcommand package" -l color -d 'Colour in diagnostics' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kforge -n "__fish_kforge_using_subcommand package" -l skip-lint -d 'Package even when lint finds errors'
complete -c kforge -n "__fish_kforge_using_subcommand package" -s h -l help -d 'Print help'
complete -c kforge -n "__fish_kforge_using_subcommand rules" -l markdown -d 'Print the rule table as Markdown'
complete -c kforge -n "__fish_kforge_using_subcommand rules" -s h -l help -d 'Print help'
complete -c kforge -n "__fish_kforge_using_subcommand explain" -l kube-version -d 'Kubernetes version of the schema (default: the newest embedded)' -r
complete -c kforge -n "__fish_kforge_using_subcommand explain" -l api-version -d 'API group/version, when a kind exists in several (e.g. autoscaling/v2)' -r
complete -c kforge -n "__fish_kforge_using_subcommand explain" -l recursive -d 'Show every nested field'
complete -c kforge -n "__fish_kforge_using_subcommand explain" -s h -l help -d 'Print help'
complete -c kforge -n "__fish_kforge_using_subcommand init" -s h -l help -d 'Print help'
complete -c kforge -n "__fish_kforge_using_subcommand completions" -s h -l help -d 'Print help'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "lint" -d 'Check charts, archives or manifests and report every problem'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "template" -d 'Render a chart and print the manifests with `# Source:` headers'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "simulate" -d 'Apply the manifests to an in-memory cluster and show the result'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "package" -d 'Lint a chart and write a byte-reproducible `<name>-<version>.tgz`'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "rules" -d 'List the rules, or explain one'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "explain" -d 'Show the schema of a kind or field, like `kubectl explain`, offline'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "init" -d 'Create a new chart that lints clean'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c kforge -n "__fish_kforge_using_subcommand help; and not __fish_seen_subcommand_from lint template simulate package rules explain init completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
