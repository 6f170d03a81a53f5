# Compact spec → catalog/default/60_services.yaml (fallback catalogue of the
# non-police themes). Columns: code | zh | en | disp | units | urgency | keywords | examples
import sys
L = {  # limit presets
 "critical": "{sign: 1m, arrive: 15m, feedback: 1h, close: 1d}",
 "urgent":   "{sign: 15m, arrive: 1h, feedback: 4h, close: 1d}",
 "normal":   "{sign: 30m, arrive: 1d, feedback: 1d, close: 5d}",
 "low":      "{sign: 1h, arrive: 0, feedback: 1d, close: 3d}",
}
groups = []
cur = None
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    if line.startswith("@"):
        code, zh, en = [x.strip() for x in line[1:].split("|")]
        cur = {"code": code, "zh": zh, "en": en, "cats": []}
        groups.append(cur)
        continue
    f = [x.strip() for x in line.split("|")]
    code, zh, en, disp, units, urg, kw, ex = f[:8]
    hot = f[8] if len(f) > 8 else ""
    cur["cats"].append(dict(code=cur["code"] + "." + code, zh=zh, en=en, disp=disp, units=units, urg=urg,
        kw=[k for k in kw.split("、") if k], ex=[e for e in ex.split("／") if e], hot=hot))
out = ["# Matter catalogue: emergencies, city services, livelihood departments, environment,",
       "# mediation and safety (generated from gen/cat.spec by gen/cat.py; edit either).", "groups:"]
def q(s): return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'
n = 0
for g in groups:
    out += [f"  - code: {g['code']}", f"    name_zh: {g['zh']}", f"    name_en: {q(g['en'])}", "    categories:"]
    for c in g["cats"]:
        n += 1
        out += [f"      - code: {c['code']}", f"        name_zh: {q(c['zh'])}", f"        name_en: {q(c['en'])}",
                f"        disposition: {c['disp']}", f"        units: [{c['units'].replace(' ', ', ')}]"]
        if c["hot"]:
            out += [f"        hotline: \"{c['hot']}\"", f"        script: {q('您反映的问题请拨打' + c['hot'] + '热线，由专业人员为您办理解答。')}"]
        lim = L[c["urg"]] if c["disp"] != "redirect" else "{sign: 0, arrive: 0, feedback: 0, close: 0}"
        out += [f"        urgency: {c['urg']}", f"        limits: {lim}"]
        if c["code"] in ("city_appearance.night_market_noise", "city_appearance.square_dance_noise", "traffic_order.blocking_vehicle"):
            out += ["        auto_dispatch: true"]
        out += ["        keywords: [" + ", ".join(q(k) for k in c["kw"]) + "]"]
        out += ["        examples:"] + [f"          - {q(e)}" for e in c["ex"]]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
print(len(groups), "groups", n, "categories")
