#!/usr/bin/env python3
"""patron's HTML reports in a real browser: headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium) renders a report in English and one in Chinese, holding every
chart kind, and checks what a reader would see:

  - the page is not blank, and every chart the DOM holds is drawn where the DOM puts it (its
    part of the screenshot has ink);
  - the Chinese text is drawn with a real font (a CJK character differs from the box a missing
    glyph gets), and the page says it is Chinese;
  - nothing leaves the file: the browser's network log holds only the file itself;
  - it prints on A4: in print media at A4's printable width nothing is wider than the page, and
    the browser's own print to PDF on A4 gives pages;
  - it looks finished (issue 25, item 18): every caption stands above its chart and the two are
    kept together across a page break; every word drawn on a chart or a shaded cell has WCAG AA
    contrast (4.5:1) against what is under it; no count prints as 28.00; chart text is at least
    10 px when printed on A4.

usage: report_browser.py PATRON OUTDIR   (screenshots report-en.png, report-zh.png in OUTDIR)
Prints "ok: …" and exits 0, or prints what failed and exits 1."""
import base64
import io
import json
import os
import subprocess
import sys
import tempfile

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.print_page_options import PrintOptions

patron, outdir = sys.argv[1], sys.argv[2]
os.makedirs(outdir, exist_ok=True)
work = tempfile.mkdtemp(prefix="patron-report-")
failures = []

STATEMENTS = [
    "segment where profit = high and loyalty = low",
    "matrix profit by loyalty",
    "pareto profit",
    "tiers profit",
    "lifecycle",
    "rfm",
    "rfm segments putler",
    "customers from demo_orders by customer_id as of 2024-12-31 with profit = amount - cost",
    "cohorts by quarter",
    "clv until 2024-06-30",
    "explain loyalty",
]
CHARTS = {"matrix": 1, "curve": 1, "bars": 3, "heatmap": 1, "comparison": 2}


def make(language):
    path = os.path.join(work, f"report-{language}.html")
    args = [patron, "--quiet", "-c", f"set language {language}"]
    for s in STATEMENTS:
        args += ["-c", s]
    args += ["-c", f'report to "{path}" title "{"客户细分课堂" if language == "zh" else "Who our customers are"}"']
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"patron failed ({run.returncode}): {run.stderr}")
    return path


def browser():
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                 "--disable-dev-shm-usage", "--lang=en-US"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def ink(image, box):
    """The share of pixels in box that are not (near) white."""
    left, top, right, bottom = (int(round(v)) for v in box)
    left, top = max(0, left), max(0, top)
    right, bottom = min(image.width, right), min(image.height, bottom)
    if right <= left or bottom <= top:
        return 0.0
    histogram = image.crop((left, top, right, bottom)).convert("L").histogram()
    return sum(histogram[:235]) / sum(histogram)


def check(language, driver):
    path = make(language)
    driver.get_log("performance")  # start the log afresh
    driver.set_window_size(1100, 900)
    driver.get("file://" + path)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1100, min(height + 40, 16000))
    png = driver.get_screenshot_as_png()
    with open(os.path.join(outdir, f"report-{language}.png"), "wb") as f:
        f.write(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = len(image.resize((200, 200)).getcolors(200 * 200) or [])
    if ink(image, (0, 0, image.width, image.height)) < 0.02 or colours < 8:
        failures.append(f"{language}: the page looks blank ({colours} colours)")
    # Every chart the DOM holds is drawn where the DOM says.
    charts = driver.execute_script("""
        return [...document.querySelectorAll('figure.chart svg')].map(s => {
            const r = s.getBoundingClientRect();
            return {kind: s.dataset.chart, x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
        });""")
    kinds = {}
    for chart in charts:
        kinds[chart["kind"]] = kinds.get(chart["kind"], 0) + 1
        share = ink(image, (chart["x"], chart["y"], chart["x"] + chart["w"], chart["y"] + chart["h"]))
        if chart["w"] < 50 or chart["h"] < 50 or share < 0.03:
            failures.append(f"{language}: the {chart['kind']} chart at {chart['x']:.0f},{chart['y']:.0f} ({chart['w']:.0f}×{chart['h']:.0f}) has {share:.1%} ink")
    for kind, count in CHARTS.items():
        if kinds.get(kind, 0) < count:
            failures.append(f"{language}: {kinds.get(kind, 0)} {kind} charts, expected at least {count}")
    tables = driver.execute_script("return [...document.querySelectorAll('table')].filter(t => t.querySelector('thead th')).length")
    if tables < 8:
        failures.append(f"{language}: {tables} tables with headers")
    shaded = driver.execute_script("return document.querySelectorAll('td[style*=background]').length")
    if shaded < 10:
        failures.append(f"{language}: {shaded} shaded cohort cells")
    # Captions above their charts, kept with them across a page break.
    placement = driver.execute_script("""
        return [...document.querySelectorAll('figure.chart')].map(f => {
            const c = f.querySelector('figcaption'), s = f.querySelector('svg');
            return {kind: f.dataset.chart, above: !c || c.getBoundingClientRect().top < s.getBoundingClientRect().top,
                    together: getComputedStyle(f).breakInside === 'avoid'};
        });""")
    for figure in placement:
        if not figure["above"] or not figure["together"]:
            failures.append(f"{language}: the {figure['kind']} chart's caption: above {figure['above']}, kept together {figure['together']}")
    # WCAG AA contrast of every word on a chart or a shaded cell, against what is painted under it.
    contrast = driver.execute_script("""
        function rgb(text) { const m = text.match(/[\\d.]+/g) || []; return m.map(Number); }
        function lum([r, g, b]) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                                   return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); }
        function over(c, a) { return c.slice(0, 3).map(v => 255 * (1 - a) + v * a); }
        function ratio(a, b) { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
        const low = [];
        for (const t of document.querySelectorAll('figure.chart svg text')) {
            const r = t.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            const under = document.elementsFromPoint(x, y).find(e => e.tagName === 'rect');
            let back = [255, 255, 255];
            if (under) { const s = getComputedStyle(under); const c = rgb(s.fill); const a = parseFloat(s.fillOpacity) * (c.length > 3 ? c[3] : 1); back = over(c, a); }
            const value = ratio(rgb(getComputedStyle(t).fill), back);
            if (value < 4.5) low.push(`${t.textContent} ${value.toFixed(2)}`);
        }
        for (const td of document.querySelectorAll('td[style*=background]')) {
            const s = getComputedStyle(td), c = rgb(s.backgroundColor);
            const value = ratio(rgb(s.color), over(c, c.length > 3 ? c[3] : 1));
            if (value < 4.5) low.push(`cell ${td.textContent} ${value.toFixed(2)}`);
        }
        return low;""")
    if contrast:
        failures.append(f"{language}: {len(contrast)} words below 4.5:1 contrast, e.g. {contrast[:5]}")
    whole = driver.execute_script("return [...document.querySelectorAll('svg text')].map(t => t.textContent).filter(t => /^[\\d,]+\\.00$/.test(t))")
    if whole:
        failures.append(f"{language}: counts printed with decimals on charts: {whole[:5]}")
    # Chinese drawn with a real font: a CJK character's pixels differ from a missing glyph's box.
    if language == "zh":
        lang = driver.execute_script("return document.documentElement.lang")
        real = driver.execute_script("""
            const font = getComputedStyle(document.body).fontFamily;
            function draw(text) {
                const c = document.createElement('canvas'); c.width = 120; c.height = 40;
                const g = c.getContext('2d'); g.font = '28px ' + font; g.fillText(text, 4, 30);
                return Array.from(g.getImageData(0, 0, 120, 40).data).join(',');
            }
            return draw('知己') !== draw('\\u{E000}\\u{E001}') && draw('知') !== draw('己');""")
        heading = driver.execute_script("return document.querySelector('h1').textContent")
        if lang != "zh-Hans" or not real or heading != "客户细分课堂":
            failures.append(f"zh: lang {lang}, heading {heading!r}, CJK drawn with a real font: {real}")
        text = driver.execute_script("return document.body.innerText")
        for word in ["知己", "蝴蝶", "藤壶", "过客", "建议"]:
            if word not in text:
                failures.append(f"zh: '{word}' is not on the page")
    # Nothing leaves the file.
    requests = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    urls = [m["params"]["request"]["url"] for m in requests if m.get("method") == "Network.requestWillBeSent"]
    if not urls:
        failures.append(f"{language}: the network log is empty (is it recording?)")
    outside = [u for u in urls if not (u.startswith("file://") or u.startswith("data:"))]
    if outside or len([u for u in urls if u.startswith("file://")]) != 1:
        failures.append(f"{language}: requests beyond the file: {urls}")
    # Printing on A4: nothing wider than the printable width (182 mm at 96 dpi) in print media, and pages from the browser's print.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.set_window_size(688, 1000)
    wide = driver.execute_script("""
        return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 5);""")
    if wide:
        failures.append(f"{language}: in print, wider than A4: {wide}")
    small = driver.execute_script("""
        return [...document.querySelectorAll('figure.chart svg')].flatMap(s => {
            const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
            return [...s.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale)
                .filter(px => px < 10).map(px => `${s.dataset.chart} ${px.toFixed(1)}px`);
        }).slice(0, 5);""")
    if small:
        failures.append(f"{language}: chart text under 10 px when printed on A4: {small}")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    pdf = base64.b64decode(driver.print_page(options))
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    if not pdf.startswith(b"%PDF") or pages < 2:
        failures.append(f"{language}: printing on A4 gave {pages} pages")
    return len(charts), tables, pages


driver = browser()
try:
    found = {language: check(language, driver) for language in ["en", "zh"]}
finally:
    driver.quit()
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("ok: " + "; ".join(f"{language}: {c} charts drawn, {t} tables, {p} A4 pages, no request beyond the file" for language, (c, t, p) in found.items()))
