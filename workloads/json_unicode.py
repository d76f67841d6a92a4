# sandbox-harness: workload
# id: wl.json-unicode
# expect-stdout-file: expected/json_unicode.out
# summary: prints sorted, indented JSON with non-ASCII text (accents, CJK, emoji, RTL) as UTF-8
import json
import sys

doc = {
    "greeting": "héllo wörld",
    "cjk": "你好，世界",
    "emoji": "🐍✅",
    "rtl": "שלום",
    "numbers": [1, 2.5, -3, 1e-07],
    "nested": {"ok": True, "none": None},
}
sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
print(len(json.dumps(doc, ensure_ascii=False)))
