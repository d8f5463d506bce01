
use builtin;
use str;

set edit:completion:arg-completer[kforge] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'kforge'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'kforge'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand lint 'Check charts, archives or manifests and report every problem'
            cand template 'Render a chart and print the manifests with `# Source:` headers'
            cand simulate 'Apply the manifests to an in-memory cluster and show the result'
            cand package 'Lint a chart and write a byte-reproducible `<name>-<version>.tgz`'
            cand rules 'List the rules, or explain one'
            cand explain 'Show the schema of a kind or field, like `kubectl explain`, offline'
            cand init 'Create a new chart that lints clean'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kforge;lint'= {
            cand -f 'Values file (YAML; - reads standard input); may repeat, later files win'
            cand --values 'Values file (YAML; - reads standard input); may repeat, later files win'
            cand --set 'Set values: a.b=c,d[0]=e (types inferred)'
            cand --set-string 'Set values, always as strings'
            cand --set-file 'Set a value to the content of a file: key=path'
            cand --set-json 'Set values from JSON: key={"a":1}'
            cand --release-name 'Release name seen by templates'
            cand -n 'Release namespace: where objects without a namespace land'
            cand --namespace 'Release namespace: where objects without a namespace land'
            cand --kube-version 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded'
            cand -a 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)'
            cand --api-versions 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)'
            cand --max-objects 'Most YAML documents (objects) one run parses; more ends the run with exit code 2'
            cand --values-matrix 'Lint each chart once per values file matching GLOB (relative to the chart directory; quote it) instead of ci/*-values.yaml; may repeat'
            cand --fail-on 'Lowest severity that makes the exit code 1'
            cand --config 'Configuration file (default: .kforge.yaml found upwards from the input)'
            cand --enable 'Enable a rule that is off by default; may repeat'
            cand --disable 'Disable a rule; may repeat'
            cand --crd 'CustomResourceDefinitions from elsewhere (file or directory); may repeat'
            cand --cluster 'Cluster profile (YAML): nodes, NodePort range, service CIDR, existing objects'
            cand --max-pods 'Most pods the in-memory cluster creates from workloads; more ends the run with exit code 2'
            cand --max-cluster-work 'Most scheduler steps (pods times the nodes each is tried on); more ends the run with exit code 2'
            cand --max-findings 'Most findings reported; more ends the run with exit code 2'
            cand --format 'Report format; may repeat, each paired with the --output that follows it'
            cand -o 'Write the preceding --format to FILE instead of standard output'
            cand --output 'Write the preceding --format to FILE instead of standard output'
            cand --color 'Colour in human output'
            cand --sarif-root 'Make SARIF paths relative to DIR (default: the git root)'
            cand --changed 'The paths are changed files (as pre-commit passes them): lint the chart each one belongs to, once per chart, and the plain manifests among the rest; other files are skipped'
            cand --no-values-matrix 'Lint only the default configuration, not each ci/*-values.yaml'
            cand --strict 'Warnings fail the run too, and closed-world rules become errors'
            cand --no-cluster 'Skip the dry-run apply to the in-memory cluster'
            cand --create-namespace 'Create the release namespace before applying'
            cand -q 'Only errors; no summary'
            cand --quiet 'Only errors; no summary'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kforge;template'= {
            cand -f 'Values file (YAML; - reads standard input); may repeat, later files win'
            cand --values 'Values file (YAML; - reads standard input); may repeat, later files win'
            cand --set 'Set values: a.b=c,d[0]=e (types inferred)'
            cand --set-string 'Set values, always as strings'
            cand --set-file 'Set a value to the content of a file: key=path'
            cand --set-json 'Set values from JSON: key={"a":1}'
            cand --release-name 'Release name seen by templates'
            cand -n 'Release namespace: where objects without a namespace land'
            cand --namespace 'Release namespace: where objects without a namespace land'
            cand --kube-version 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded'
            cand -a 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)'
            cand --api-versions 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)'
            cand --max-objects 'Most YAML documents (objects) one run parses; more ends the run with exit code 2'
            cand -s 'Only print these templates (e.g. templates/service.yaml); may repeat'
            cand --show-only 'Only print these templates (e.g. templates/service.yaml); may repeat'
            cand --output-dir 'Write each rendered template under DIR instead of printing'
            cand --color 'Colour in diagnostics'
            cand --notes 'Render templates/NOTES.txt too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kforge;simulate'= {
            cand -f 'Values file (YAML; - reads standard input); may repeat, later files win'
            cand --values 'Values file (YAML; - reads standard input); may repeat, later files win'
            cand --set 'Set values: a.b=c,d[0]=e (types inferred)'
            cand --set-string 'Set values, always as strings'
            cand --set-file 'Set a value to the content of a file: key=path'
            cand --set-json 'Set values from JSON: key={"a":1}'
            cand --release-name 'Release name seen by templates'
            cand -n 'Release namespace: where objects without a namespace land'
            cand --namespace 'Release namespace: where objects without a namespace land'
            cand --kube-version 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded'
            cand -a 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)'
            cand --api-versions 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)'
            cand --max-objects 'Most YAML documents (objects) one run parses; more ends the run with exit code 2'
            cand --fail-on 'Lowest severity that makes the exit code 1'
            cand --config 'Configuration file (default: .kforge.yaml found upwards from the input)'
            cand --enable 'Enable a rule that is off by default; may repeat'
            cand --disable 'Disable a rule; may repeat'
            cand --crd 'CustomResourceDefinitions from elsewhere (file or directory); may repeat'
            cand --cluster 'Cluster profile (YAML): nodes, NodePort range, service CIDR, existing objects'
            cand --max-pods 'Most pods the in-memory cluster creates from workloads; more ends the run with exit code 2'
            cand --max-cluster-work 'Most scheduler steps (pods times the nodes each is tried on); more ends the run with exit code 2'
            cand --max-findings 'Most findings reported; more ends the run with exit code 2'
            cand -o 'What to print'
            cand --output 'What to print'
            cand --color 'Colour in diagnostics'
            cand --strict 'Warnings fail the run too, and closed-world rules become errors'
            cand --no-cluster 'Skip the dry-run apply to the in-memory cluster'
            cand --create-namespace 'Create the release namespace before applying'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'kforge;package'= {
            cand -d 'Where to write the archive'
            cand --destination 'Where to write the archive'
            cand --version 'Set the chart version in the archive'
            cand --app-version 'Set the appVersion in the archive'
            cand -f 'Values file (YAML; - reads standard input); may repeat, later files win'
            cand --values 'Values file (YAML; - reads standard input); may repeat, later files win'
            cand --set 'Set values: a.b=c,d[0]=e (types inferred)'
            cand --set-string 'Set values, always as strings'
            cand --set-file 'Set a value to the content of a file: key=path'
            cand --set-json 'Set values from JSON: key={"a":1}'
            cand --release-name 'Release name seen by templates'
            cand -n 'Release namespace: where objects without a namespace land'
            cand --namespace 'Release namespace: where objects without a namespace land'
            cand --kube-version 'Target Kubernetes version (1.NN or 1.NN.P); default: the newest embedded'
            cand -a 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)'
            cand --api-versions 'Add to .Capabilities.APIVersions: group/version or group/version/Kind; may repeat or be comma-separated (served built-ins and the run''s CRDs are always there)'
            cand --max-objects 'Most YAML documents (objects) one run parses; more ends the run with exit code 2'
            cand --color 'Colour in diagnostics'
            cand --skip-lint 'Package even when lint finds errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kforge;rules'= {
            cand --markdown 'Print the rule table as Markdown'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kforge;explain'= {
            cand --kube-version 'Kubernetes version of the schema (default: the newest embedded)'
            cand --api-version 'API group/version, when a kind exists in several (e.g. autoscaling/v2)'
            cand --recursive 'Show every nested field'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kforge;init'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kforge;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'kforge;help'= {
            cand lint 'Check charts, archives or manifests and report every problem'
            cand template 'Render a chart and print the manifests with `# Source:` headers'
            cand simulate 'Apply the manifests to an in-memory cluster and show the result'
            cand package 'Lint a chart and write a byte-reproducible `<name>-<version>.tgz`'
            cand rules 'List the rules, or explain one'
            cand explain 'Show the schema of a kind or field, like `kubectl explain`, offline'
            cand init 'Create a new chart that lints clean'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kforge;help;lint'= {
        }
        &'kforge;help;template'= {
        }
        &'kforge;help;simulate'= {
        }
        &'kforge;help;package'= {
        }
        &'kforge;help;rules'= {
        }
        &'kforge;help;explain'= {
        }
        &'kforge;help;init'= {
        }
        &'kforge;help;completions'= {
        }
        &'kforge;help;help'= {
        }
    ]
    $completions[$command]
}
