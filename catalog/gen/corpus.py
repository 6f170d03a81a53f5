# gen/corpus.spec lines "category|style|text" → triage/corpus/60_services.jsonl,
# labels taken from the catalogue (disposition, units, hotline).
import sys, json, re
cats = {}
cur = None
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"\s+- code: (\S+)", line)
    if m and "." in m.group(1):
        cur = {"code": m.group(1)}
        cats[cur["code"]] = cur
        continue
    if cur is None:
        continue
    m = re.match(r"\s+disposition: (\S+)", line)
    if m: cur["disp"] = m.group(1)
    m = re.match(r"\s+units: \[(.*)\]", line)
    if m: cur["units"] = [u.strip() for u in m.group(1).split(",")]
    m = re.match(r'\s+hotline: "(\d+)"', line)
    if m: cur["hot"] = m.group(1)
out = []
n = 0
for line in open(sys.argv[2], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    code, style, text = line.split("|", 2)
    c = cats[code.strip()]
    n += 1
    units = c["units"]
    if c["disp"] in ("police", "joint"):
        ok, allu = [u for u in units if u != "gas" and u != "emergency_management"], units
    else:
        ok = [units[0]] + ([units[1]] if len(units) > 1 and units[1] in ("subdistrict", "mediation") else [])
        allu = [units[0]] if len(units) == 1 else []
    out.append(json.dumps({"id": "svc-%04d" % n, "text": text.strip(), "disposition": c["disp"], "units_ok": ok,
        "units_all": allu, "hotline": c.get("hot", ""), "category": c["code"], "style": style.strip()}, ensure_ascii=False))
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(out) + "\n")
print(n, "lines")
