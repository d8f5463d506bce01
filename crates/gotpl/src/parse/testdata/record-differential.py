#!/usr/bin/env python3
"""Random template-like texts rendered by Helm v4.2.3 (helm-python-sdk 0.2.2), for the parser's
differential test. Writes lines `hex(template) TAB hex(result)`, result being `OK`, `EXEC` (Helm
parsed it; execution failed) or `ERR:` + Helm's parse error.

usage: record-differential.py COUNT SEED OUT.tsv
The committed helm-differential.tsv keeps, out of 10,000 such cases (seeds 1-3), the shortest
two and the longest of each kind of error and 40 that Helm parses."""
import os, random, shutil, sys, tempfile
from helm_python.chart import Chart

TOKENS = ["{{", "{{- ", "{{-", " -}}", "-}}", "}}", " ", "  ", "\n", "\t", ".", ".x", ".x.y", "$", "$x",
          "$y", " := ", " = ", ":=", "=", ",", "|", " | ", "(", ")", "\"a\"", "\"b\\n\"", "`r`", "'c'", "1",
          "-3", "0x1f", "1e3", "1.5", "nil", "true", "false", "if ", "else ", "else if ", "end", "range ",
          "with ", "else with ", "break", "continue", "define \"d\"", "block \"b\" ", "template \"d\" ",
          "print ", "len ", "index ", "list ", "eq ", "printf ", "not ", "foo ", "quote ", "/*", "*/",
          "{{/* c */}}", "{{- /* c */ -}}", "a", "text\n", "x", "é"]


def cases(count, seed):
    random.seed(seed)
    out = ["".join(random.choice(TOKENS) for _ in range(random.randint(1, 14))) for _ in range(count)]
    for _ in range(count):  # more well-formed actions
        parts = []
        for _ in range(random.randint(1, 5)):
            inner = "".join(random.choice(TOKENS[6:]) for _ in range(random.randint(1, 5)))
            parts.append(random.choice(["{{", "{{- "]) + inner + random.choice(["}}", " -}}"])
                         + random.choice(["", "x", "\n"]))
        out.append("".join(parts))
    return out


def main(count, seed, path):
    work = tempfile.mkdtemp()
    with open(path, 'w') as out:
        for i, tpl in enumerate(cases(int(count), int(seed))):
            chart = os.path.join(work, str(i), 't')
            os.makedirs(os.path.join(chart, 'templates'))
            with open(os.path.join(chart, 'Chart.yaml'), 'w') as f:
                f.write('apiVersion: v2\nname: t\nversion: 0.1.0\nappVersion: 1.0.0\n')
            with open(os.path.join(chart, 'templates', 'case.yaml'), 'w') as f:
                f.write(tpl)
            try:
                with Chart.load(chart) as c:
                    c.render(name='release', namespace='default', is_install=True)
                    res = 'OK'
            except Exception as e:
                msg = str(e)
                res = ('ERR:' + msg) if msg.startswith('parse error') else 'EXEC'
            out.write(tpl.encode().hex() + '\t' + res.encode().hex() + '\n')
            shutil.rmtree(os.path.join(work, str(i)))
    shutil.rmtree(work)


if __name__ == '__main__':
    main(*sys.argv[1:])
