
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kforge' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kforge'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kforge' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check charts, archives or manifests and report every problem')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Render a chart and print the manifests with `# Source:` headers')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Apply the manifests to an in-memory cluster and show the result')
            [CompletionResult]::new('package', 'package', [CompletionResultType]::ParameterValue, 'Lint a chart and write a byte-reproducible `<name>-<version>.tgz`')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List the rules, or explain one')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show the schema of a kind or field, like `kubectl explain`, offline')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new chart that lints clean')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kforge;lint' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Values file (YAML; - reads standard input); may repeat, later files win')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Values file (YAML; - reads standard input); may repeat, later files win')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set values: a.b=c,d[0]=e (types inferred)')
            [CompletionResult]::new('--set-string', '--set-string', [CompletionResultType]::ParameterName, 'Set values, always as strings')
            [CompletionResult]::new('--set-file', '--set-file', [CompletionResultType]::ParameterName, 'Set a value to the content of a file: key=path')
            [CompletionResult]::new('--set-json', '--set-json', [CompletionResultType]::ParameterName, 'Set values from JSON: key={"a":1}')
            [CompletionResult]::new('--release-name', '--release-name', [CompletionResultType]::ParameterName, 'Release name seen by templates')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Release namespace: where objects without a namespace land')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Release namespace: where objects without a namespace land')
            [CompletionResult]::new('--kube-version', '--kube-version', [CompletionResultType]::ParameterName, 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)')
            [CompletionResult]::new('--api-versions', '--api-versions', [CompletionResultType]::ParameterName, 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)')
            [CompletionResult]::new('--max-objects', '--max-objects', [CompletionResultType]::ParameterName, 'Most YAML documents (objects) one run parses; more ends the run with exit code 2')
            [CompletionResult]::new('--values-matrix', '--values-matrix', [CompletionResultType]::ParameterName, 'Lint each chart once per values file matching GLOB (relative to the chart directory; quote it) instead of ci/*-values.yaml; may repeat')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Lowest severity that makes the exit code 1')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: .kforge.yaml found upwards from the input)')
            [CompletionResult]::new('--enable', '--enable', [CompletionResultType]::ParameterName, 'Enable a rule that is off by default; may repeat')
            [CompletionResult]::new('--disable', '--disable', [CompletionResultType]::ParameterName, 'Disable a rule; may repeat')
            [CompletionResult]::new('--crd', '--crd', [CompletionResultType]::ParameterName, 'CustomResourceDefinitions from elsewhere (file or directory); may repeat')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Cluster profile (YAML): nodes, NodePort range, service CIDR, existing objects')
            [CompletionResult]::new('--max-pods', '--max-pods', [CompletionResultType]::ParameterName, 'Most pods the in-memory cluster creates from workloads; more ends the run with exit code 2')
            [CompletionResult]::new('--max-cluster-work', '--max-cluster-work', [CompletionResultType]::ParameterName, 'Most scheduler steps (pods times the nodes each is tried on); more ends the run with exit code 2')
            [CompletionResult]::new('--max-findings', '--max-findings', [CompletionResultType]::ParameterName, 'Most findings reported; more ends the run with exit code 2')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format; may repeat, each paired with the --output that follows it')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the preceding --format to FILE instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the preceding --format to FILE instead of standard output')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in human output')
            [CompletionResult]::new('--sarif-root', '--sarif-root', [CompletionResultType]::ParameterName, 'Make SARIF paths relative to DIR (default: the git root)')
            [CompletionResult]::new('--changed', '--changed', [CompletionResultType]::ParameterName, 'The paths are changed files (as pre-commit passes them): lint the chart each one belongs to, once per chart, and the plain manifests among the rest; other files are skipped')
            [CompletionResult]::new('--no-values-matrix', '--no-values-matrix', [CompletionResultType]::ParameterName, 'Lint only the default configuration, not each ci/*-values.yaml')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Warnings fail the run too, and closed-world rules become errors')
            [CompletionResult]::new('--no-cluster', '--no-cluster', [CompletionResultType]::ParameterName, 'Skip the dry-run apply to the in-memory cluster')
            [CompletionResult]::new('--create-namespace', '--create-namespace', [CompletionResultType]::ParameterName, 'Create the release namespace before applying')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors; no summary')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors; no summary')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kforge;template' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Values file (YAML; - reads standard input); may repeat, later files win')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Values file (YAML; - reads standard input); may repeat, later files win')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set values: a.b=c,d[0]=e (types inferred)')
            [CompletionResult]::new('--set-string', '--set-string', [CompletionResultType]::ParameterName, 'Set values, always as strings')
            [CompletionResult]::new('--set-file', '--set-file', [CompletionResultType]::ParameterName, 'Set a value to the content of a file: key=path')
            [CompletionResult]::new('--set-json', '--set-json', [CompletionResultType]::ParameterName, 'Set values from JSON: key={"a":1}')
            [CompletionResult]::new('--release-name', '--release-name', [CompletionResultType]::ParameterName, 'Release name seen by templates')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Release namespace: where objects without a namespace land')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Release namespace: where objects without a namespace land')
            [CompletionResult]::new('--kube-version', '--kube-version', [CompletionResultType]::ParameterName, 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)')
            [CompletionResult]::new('--api-versions', '--api-versions', [CompletionResultType]::ParameterName, 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)')
            [CompletionResult]::new('--max-objects', '--max-objects', [CompletionResultType]::ParameterName, 'Most YAML documents (objects) one run parses; more ends the run with exit code 2')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only print these templates (e.g. templates/service.yaml); may repeat')
            [CompletionResult]::new('--show-only', '--show-only', [CompletionResultType]::ParameterName, 'Only print these templates (e.g. templates/service.yaml); may repeat')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write each rendered template under DIR instead of printing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics')
            [CompletionResult]::new('--notes', '--notes', [CompletionResultType]::ParameterName, 'Render templates/NOTES.txt too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kforge;simulate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Values file (YAML; - reads standard input); may repeat, later files win')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Values file (YAML; - reads standard input); may repeat, later files win')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set values: a.b=c,d[0]=e (types inferred)')
            [CompletionResult]::new('--set-string', '--set-string', [CompletionResultType]::ParameterName, 'Set values, always as strings')
            [CompletionResult]::new('--set-file', '--set-file', [CompletionResultType]::ParameterName, 'Set a value to the content of a file: key=path')
            [CompletionResult]::new('--set-json', '--set-json', [CompletionResultType]::ParameterName, 'Set values from JSON: key={"a":1}')
            [CompletionResult]::new('--release-name', '--release-name', [CompletionResultType]::ParameterName, 'Release name seen by templates')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Release namespace: where objects without a namespace land')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Release namespace: where objects without a namespace land')
            [CompletionResult]::new('--kube-version', '--kube-version', [CompletionResultType]::ParameterName, 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)')
            [CompletionResult]::new('--api-versions', '--api-versions', [CompletionResultType]::ParameterName, 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)')
            [CompletionResult]::new('--max-objects', '--max-objects', [CompletionResultType]::ParameterName, 'Most YAML documents (objects) one run parses; more ends the run with exit code 2')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Lowest severity that makes the exit code 1')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: .kforge.yaml found upwards from the input)')
            [CompletionResult]::new('--enable', '--enable', [CompletionResultType]::ParameterName, 'Enable a rule that is off by default; may repeat')
            [CompletionResult]::new('--disable', '--disable', [CompletionResultType]::ParameterName, 'Disable a rule; may repeat')
            [CompletionResult]::new('--crd', '--crd', [CompletionResultType]::ParameterName, 'CustomResourceDefinitions from elsewhere (file or directory); may repeat')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Cluster profile (YAML): nodes, NodePort range, service CIDR, existing objects')
            [CompletionResult]::new('--max-pods', '--max-pods', [CompletionResultType]::ParameterName, 'Most pods the in-memory cluster creates from workloads; more ends the run with exit code 2')
            [CompletionResult]::new('--max-cluster-work', '--max-cluster-work', [CompletionResultType]::ParameterName, 'Most scheduler steps (pods times the nodes each is tried on); more ends the run with exit code 2')
            [CompletionResult]::new('--max-findings', '--max-findings', [CompletionResultType]::ParameterName, 'Most findings reported; more ends the run with exit code 2')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Warnings fail the run too, and closed-world rules become errors')
            [CompletionResult]::new('--no-cluster', '--no-cluster', [CompletionResultType]::ParameterName, 'Skip the dry-run apply to the in-memory cluster')
            [CompletionResult]::new('--create-namespace', '--create-namespace', [CompletionResultType]::ParameterName, 'Create the release namespace before applying')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'kforge;package' {
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Where to write the archive')
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'Where to write the archive')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Set the chart version in the archive')
            [CompletionResult]::new('--app-version', '--app-version', [CompletionResultType]::ParameterName, 'Set the appVersion in the archive')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Values file (YAML; - reads standard input); may repeat, later files win')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Values file (YAML; - reads standard input); may repeat, later files win')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set values: a.b=c,d[0]=e (types inferred)')
            [CompletionResult]::new('--set-string', '--set-string', [CompletionResultType]::ParameterName, 'Set values, always as strings')
            [CompletionResult]::new('--set-file', '--set-file', [CompletionResultType]::ParameterName, 'Set a value to the content of a file: key=path')
            [CompletionResult]::new('--set-json', '--set-json', [CompletionResultType]::ParameterName, 'Set values from JSON: key={"a":1}')
            [CompletionResult]::new('--release-name', '--release-name', [CompletionResultType]::ParameterName, 'Release name seen by templates')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Release namespace: where objects without a namespace land')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Release namespace: where objects without a namespace land')
            [CompletionResult]::new('--kube-version', '--kube-version', [CompletionResultType]::ParameterName, 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)')
            [CompletionResult]::new('--api-versions', '--api-versions', [CompletionResultType]::ParameterName, 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)')
            [CompletionResult]::new('--max-objects', '--max-objects', [CompletionResultType]::ParameterName, 'Most YAML documents (objects) one run parses; more ends the run with exit code 2')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour in diagnostics')
            [CompletionResult]::new('--skip-lint', '--skip-lint', [CompletionResultType]::ParameterName, 'Package even when lint finds errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kforge;rules' {
            [CompletionResult]::new('--markdown', '--markdown', [CompletionResultType]::ParameterName, 'Print the rule table as Markdown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kforge;explain' {
            [CompletionResult]::new('--kube-version', '--kube-version', [CompletionResultType]::ParameterName, 'Kubernetes version of the schema (default: the newest embedded)')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'API group/version, when a kind exists in several (e.g. autoscaling/v2)')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Show every nested field')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kforge;init' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kforge;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'kforge;help' {
            [CompletionResult]::new('lint', 'lint', [CompletionResultType]::ParameterValue, 'Check charts, archives or manifests and report every problem')
            [CompletionResult]::new('template', 'template', [CompletionResultType]::ParameterValue, 'Render a chart and print the manifests with `# Source:` headers')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Apply the manifests to an in-memory cluster and show the result')
            [CompletionResult]::new('package', 'package', [CompletionResultType]::ParameterValue, 'Lint a chart and write a byte-reproducible `<name>-<version>.tgz`')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'List the rules, or explain one')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Show the schema of a kind or field, like `kubectl explain`, offline')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a new chart that lints clean')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kforge;help;lint' {
            break
        }
        'kforge;help;template' {
            break
        }
        'kforge;help;simulate' {
            break
        }
        'kforge;help;package' {
            break
        }
        'kforge;help;rules' {
            break
        }
        'kforge;help;explain' {
            break
        }
        'kforge;help;init' {
            break
        }
        'kforge;help;completions' {
            break
        }
        'kforge;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
