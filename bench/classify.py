#!/usr/bin/python3
"""Classification benchmark: frontline vs fastText on banking77, clinc150 and the Endava IT tickets.

Run through bench/classify.sh (which resolves paths and checks binaries); stdlib only.

For every data set the script
  1. converts the shared data into CSV (text,label) for frontline and into fastText's
     `__label__X text` format (one item per line, newlines in text replaced by spaces),
  2. trains frontline and fastText (default config and a strong config), timing each run,
  3. predicts the whole test file with each system (frontline predict --top-k 1 on stdin,
     fasttext predict-prob ... 1), timing each run,
  4. computes accuracy, macro-F1, ECE (15 equal-width bins) and coverage@precision from the
     top-1 label and confidence of each system with the same code, and keeps
     `frontline eval --json` as a cross-check.
Results are printed as tables and written as JSON.
"""

import argparse
import csv
import datetime
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import time

SETS = ("banking77", "clinc150", "tickets")
THRESHOLDS = (0.90, 0.95, 0.99)
ECE_BINS = 15

FT_CONFIGS = {
    # name: extra fastText arguments (besides -input/-output/-thread)
    "fastText-default": [],
    "fastText-strong": ["-epoch", "25", "-lr", "1.0", "-wordNgrams", "2",
                        "-minn", "3", "-maxn", "6", "-dim", "100"],
}
STRONG = "fastText-strong"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- data

def clean_text(s):
    """One line of text: CR/LF replaced by spaces, outer whitespace stripped."""
    return s.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").strip()


def read_csv_rows(path, text_col, label_col):
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row[text_col], row[label_col]


def finish(rows):
    """Clean texts, drop rows whose text is empty. Returns (rows, n_dropped)."""
    out = []
    dropped = 0
    for text, label in rows:
        t = clean_text(text)
        if not t:
            dropped += 1
            continue
        out.append((t, label.strip()))
    return out, dropped


def load_banking77(data_dir):
    d = os.path.join(data_dir, "banking77")
    train, dtr = finish(read_csv_rows(os.path.join(d, "train.csv"), "text", "category"))
    test, dte = finish(read_csv_rows(os.path.join(d, "test.csv"), "text", "category"))
    notes = {"source": "banking77/train.csv, banking77/test.csv (official split)",
             "dropped_empty_text": dtr + dte}
    return train, test, notes


def load_clinc150(data_dir):
    path = os.path.join(data_dir, "clinc150", "data_full.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    train, dtr = finish([(t, l) for t, l in data["train"] + data["val"]])
    test, dte = finish([(t, l) for t, l in data["test"]])
    notes = {"source": "clinc150/data_full.json: train = train+val, test = test; "
                       "in-scope only (oos_* lists not used) -> in-scope accuracy",
             "dropped_empty_text": dtr + dte}
    return train, test, notes


def load_tickets(data_dir):
    d = os.path.join(data_dir, "it-tickets-kaggle-endava")
    main_rows = list(read_csv_rows(os.path.join(d, "all_tickets_processed_improved_v3.csv"),
                                   "Document", "Topic_group"))
    test_rows = list(read_csv_rows(os.path.join(d, "lunalykaya_test_split.csv"),
                                   "Document", "Topic_group"))
    main_pairs = set(main_rows)
    test_pairs = set(test_rows)
    test_docs = {doc for doc, _ in test_rows}
    dup_main = len(main_rows) - len(main_pairs)
    dup_test = len(test_rows) - len(test_pairs)
    test_not_in_main = sum(1 for p in test_pairs if p not in main_pairs)
    # Train = main-file rows whose (Document, Topic_group) is not in the test split; then also
    # drop every row whose Document occurs in the test split (covers relabelled duplicates).
    not_in_test_rows = [p for p in main_rows if p not in test_pairs]
    train_raw = [p for p in not_in_test_rows if p[0] not in test_docs]
    excluded_by_doc = len(not_in_test_rows) - len(train_raw)
    train, dtr = finish(train_raw)
    test, dte = finish(test_rows)
    notes = {
        "source": "it-tickets-kaggle-endava: test = lunalykaya_test_split.csv; train = rows of "
                  "all_tickets_processed_improved_v3.csv not in the test split, minus every row "
                  "whose Document text appears in the test split",
        "main_rows": len(main_rows),
        "main_duplicate_rows": dup_main,
        "test_split_rows": len(test_rows),
        "test_duplicate_rows": dup_test,
        "test_rows_not_in_main": test_not_in_main,
        "main_rows_matching_test_rows": len(main_rows) - len(not_in_test_rows),
        "train_rows_excluded_same_document_as_test": excluded_by_doc,
        "dropped_empty_text": dtr + dte,
    }
    return train, test, notes


LOADERS = {
    "banking77": (("banking77",), load_banking77),
    "clinc150": (("clinc150",), load_clinc150),
    "tickets": (("it-tickets-kaggle-endava",), load_tickets),
}


def write_frontline_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for t, l in rows:
            w.writerow([t, l])


def fasttext_label_map(labels):
    """orig label -> fastText label (whitespace -> '_'), checked to be one-to-one."""
    fwd = {}
    back = {}
    for l in sorted(labels):
        ft = "_".join(l.split()) if l else "_"
        if ft in back and back[ft] != l:
            raise SystemExit("fastText label collision: %r and %r both map to %r" % (back[ft], l, ft))
        fwd[l] = ft
        back[ft] = l
    return fwd, back


def ft_text(t):
    # A token starting with __label__ would be read as a label by fastText.
    return t.replace("__label__", "label")


def write_fasttext_train(path, rows, fwd):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for t, l in rows:
            f.write("__label__%s %s\n" % (fwd[l], ft_text(t)))


def write_texts(path, rows, for_fasttext=False):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for t, _ in rows:
            f.write((ft_text(t) if for_fasttext else t) + "\n")


# --------------------------------------------------------------------------- metrics

def compute_metrics(gold, pred, conf):
    """gold/pred: label lists (pred may hold None = no prediction); conf: floats in [0,1]."""
    n = len(gold)
    assert n == len(pred) == len(conf) and n > 0
    correct = [g == p for g, p in zip(gold, pred)]
    acc = sum(correct) / n

    classes = set(gold) | {p for p in pred if p is not None}
    tp = dict.fromkeys(classes, 0)
    fp = dict.fromkeys(classes, 0)
    fn = dict.fromkeys(classes, 0)
    for g, p in zip(gold, pred):
        if g == p:
            tp[g] += 1
        else:
            fn[g] += 1
            if p is not None:
                fp[p] += 1
    f1s = []
    for c in classes:
        denom = 2 * tp[c] + fp[c] + fn[c]
        f1s.append(2 * tp[c] / denom if denom else 0.0)
    macro_f1 = sum(f1s) / len(f1s)

    # ECE: 15 equal-width bins (lo, hi]; confidence 0 goes to the first bin.
    bin_n = [0] * ECE_BINS
    bin_conf = [0.0] * ECE_BINS
    bin_acc = [0] * ECE_BINS
    for c, ok in zip(conf, correct):
        b = min(ECE_BINS - 1, max(0, int(math.ceil(c * ECE_BINS)) - 1))
        bin_n[b] += 1
        bin_conf[b] += c
        bin_acc[b] += ok
    ece = sum(abs(bin_acc[b] - bin_conf[b]) for b in range(ECE_BINS) if bin_n[b]) / n

    # coverage@p: sort by confidence desc, equal confidences form one group; largest share
    # of items (taken group by group) whose precision is >= p.
    order = sorted(range(n), key=lambda i: -conf[i])
    groups = []  # (cumulative count, cumulative correct) at each group end
    cum_n = cum_ok = 0
    i = 0
    while i < n:
        j = i
        while j < n and conf[order[j]] == conf[order[i]]:
            cum_ok += correct[order[j]]
            j += 1
        cum_n = j
        groups.append((cum_n, cum_ok))
        i = j
    cov = {}
    for p in THRESHOLDS:
        best = 0
        for cn, ck in groups:
            if ck >= p * cn - 1e-12:
                best = cn
        cov["%.2f" % p] = best / n
    return {"n": n, "accuracy": acc, "macro_f1": macro_f1, "ece": ece,
            "coverage_at_precision": cov, "n_no_prediction": sum(1 for p in pred if p is None)}


# --------------------------------------------------------------------------- running tools

def run_timed(cmd, log_path, stdin_path=None, stdout_path=None):
    """Runs cmd, returns (rc, wall seconds). stderr (and stdout unless redirected) -> log_path."""
    with open(log_path, "ab") as lf:
        lf.write(("$ " + " ".join(shlex.quote(c) for c in cmd) + "\n").encode())
        lf.flush()
        fin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        fout = open(stdout_path, "wb") if stdout_path else lf
        try:
            t0 = time.monotonic()
            rc = subprocess.call(cmd, stdin=fin, stdout=fout, stderr=lf)
            dt = time.monotonic() - t0
        finally:
            if stdin_path:
                fin.close()
            if stdout_path:
                fout.close()
    return rc, dt


def tail(path, n=15):
    try:
        with open(path, "rb") as f:
            data = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    # fastText progress uses \r; keep the last state of each line
    lines = [l.split("\r")[-1] for l in data.splitlines()]
    return "\n".join("    | " + l for l in lines[-n:])


def timing(train_s, pred_s, startup_s, n):
    """Wall-clock numbers. startup_s = the same predict command on a 1-item file (model load +
    process start); pred_items_per_s_excl_startup estimates steady-state throughput."""
    t = {"train_s": train_s, "pred_s": pred_s, "pred_items_per_s": n / pred_s,
         "pred_startup_s": startup_s, "pred_items_per_s_excl_startup": None}
    if startup_s is not None and n > 1 and pred_s - startup_s > 1e-3:
        t["pred_items_per_s_excl_startup"] = (n - 1) / (pred_s - startup_s)
    return t


class ToolError(Exception):
    pass


def bench_fasttext(ft_bin, cfg_args, threads, work, name, gold, back):
    model = os.path.join(work, name)
    logp = os.path.join(work, name + ".log")
    cmd = [ft_bin, "supervised", "-input", os.path.join(work, "train.txt"),
           "-output", model, "-thread", str(threads)] + cfg_args
    log("  [%s] training: %s" % (name, " ".join(cmd[1:])))
    rc, train_s = run_timed(cmd, logp)
    if rc != 0:
        raise ToolError("fasttext supervised failed (rc=%d); log %s:\n%s" % (rc, logp, tail(logp)))
    load_after_train = os.getloadavg()[0]
    pred_path = os.path.join(work, name + ".pred")
    cmd = [ft_bin, "predict-prob", model + ".bin", os.path.join(work, "test_ft.txt"), "1"]
    log("  [%s] predicting %d items" % (name, len(gold)))
    rc, pred_s = run_timed(cmd, logp, stdout_path=pred_path)
    one = [ft_bin, "predict-prob", model + ".bin", os.path.join(work, "one_ft.txt"), "1"]
    rc1, startup_s = run_timed(one, logp, stdout_path=pred_path + ".one")
    if rc != 0:
        raise ToolError("fasttext predict-prob failed (rc=%d); log %s:\n%s" % (rc, logp, tail(logp)))
    pred, conf = [], []
    with open(pred_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                pred.append(None)
                conf.append(0.0)
                continue
            lab, prob = line.rsplit(" ", 1)
            lab = lab[len("__label__"):] if lab.startswith("__label__") else lab
            pred.append(back.get(lab, lab))
            conf.append(min(1.0, max(0.0, float(prob))))
    if len(pred) != len(gold):
        raise ToolError("fasttext predict-prob gave %d lines for %d items" % (len(pred), len(gold)))
    size = os.path.getsize(model + ".bin")
    for ext in (".bin", ".vec"):
        try:
            os.remove(model + ext)
        except OSError:
            pass
    m = compute_metrics(gold, pred, conf)
    m.update(timing(train_s, pred_s, startup_s if rc1 == 0 else None, len(gold)))
    m.update({"model_bytes": size, "loadavg_1m_after_train": load_after_train,
              "command": "fasttext supervised -thread %d %s" % (threads, " ".join(cfg_args))})
    return m


def bench_frontline(fl_bin, threads, extra, work, gold):
    model = os.path.join(work, "frontline.model")
    logp = os.path.join(work, "frontline.log")
    train_csv = os.path.join(work, "train.csv")
    test_csv = os.path.join(work, "test.csv")
    cmd = [fl_bin, "train", "--data", train_csv, "--text", "text", "--label", "label",
           "--model", model, "--threads", str(threads)] + extra
    log("  [frontline] training: %s" % " ".join(cmd[1:]))
    rc, train_s = run_timed(cmd, logp)
    if rc != 0 or not os.path.exists(model):
        raise ToolError("frontline train failed (rc=%d); log %s:\n%s" % (rc, logp, tail(logp)))
    load_after_train = os.getloadavg()[0]
    pred_path = os.path.join(work, "frontline.pred")
    cmd = [fl_bin, "predict", "--model", model, "--top-k", "1"]
    log("  [frontline] predicting %d items" % len(gold))
    rc, pred_s = run_timed(cmd, logp, stdin_path=os.path.join(work, "test_texts.txt"),
                           stdout_path=pred_path)
    rc1, startup_s = run_timed(cmd, logp, stdin_path=os.path.join(work, "one.txt"),
                               stdout_path=pred_path + ".one")
    if rc != 0:
        raise ToolError("frontline predict failed (rc=%d); log %s:\n%s" % (rc, logp, tail(logp)))
    pred, conf = [], []
    with open(pred_path, encoding="utf-8") as f:
        for k, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                raise ToolError("frontline predict: line %d is not JSON: %r" % (k, line[:200]))
            lab = obj.get("label")
            pred.append(lab if lab not in ("", None) else None)
            c = obj.get("confidence")
            conf.append(min(1.0, max(0.0, float(c))) if c is not None else 0.0)
    if len(pred) != len(gold):
        raise ToolError("frontline predict gave %d predictions for %d items" % (len(pred), len(gold)))
    m = compute_metrics(gold, pred, conf)
    m.update(timing(train_s, pred_s, startup_s if rc1 == 0 else None, len(gold)))
    m.update({"model_bytes": os.path.getsize(model), "loadavg_1m_after_train": load_after_train,
              "command": "frontline train --threads %d %s" % (threads, " ".join(extra))})
    # cross-check: frontline's own evaluation
    eval_out = os.path.join(work, "frontline.eval.json")
    cmd = [fl_bin, "eval", "--model", model, "--data", test_csv, "--text", "text",
           "--label", "label", "--json"]
    log("  [frontline] eval --json (cross-check)")
    rc, eval_s = run_timed(cmd, logp, stdout_path=eval_out)
    ev = None
    if rc == 0:
        with open(eval_out, encoding="utf-8") as f:
            txt = f.read().strip()
        try:
            ev = json.loads(txt)
        except ValueError:
            for line in reversed(txt.splitlines()):
                if line.strip().startswith("{"):
                    try:
                        ev = json.loads(line)
                        break
                    except ValueError:
                        pass
        if ev is None:
            m["eval_error"] = "frontline eval --json printed no JSON object"
    else:
        m["eval_error"] = "frontline eval failed (rc=%d)" % rc
    m["eval_json"] = ev
    m["eval_s"] = eval_s
    try:
        os.remove(model)
    except OSError:
        pass
    return m


# --------------------------------------------------------------------------- output

HEADER = "  %-10s %-17s %7s %8s %7s %9s %9s %13s" % (
    "dataset", "system", "acc", "macroF1", "ECE", "cov@0.95", "train_s", "pred_items/s")


def fmt_row(ds, system, m):
    if m is None or "error" in m:
        return "  %-10s %-17s %s" % (ds, system, "FAILED" if m else "skipped")
    return "  %-10s %-17s %7.4f %8.4f %7.4f %9.4f %9.2f %13.0f" % (
        ds, system, m["accuracy"], m["macro_f1"], m["ece"],
        m["coverage_at_precision"]["0.95"], m["train_s"], m["pred_items_per_s"])


def ratios(res):
    fl = res["systems"].get("frontline")
    ft = res["systems"].get(STRONG)
    if not fl or not ft or "error" in fl or "error" in ft:
        return None
    r = {"train_time_frontline_over_fasttext_strong": fl["train_s"] / ft["train_s"],
         "pred_throughput_frontline_over_fasttext_strong":
             fl["pred_items_per_s"] / ft["pred_items_per_s"],
         "accuracy_delta_frontline_minus_fasttext_strong": fl["accuracy"] - ft["accuracy"]}
    a, b = fl.get("pred_items_per_s_excl_startup"), ft.get("pred_items_per_s_excl_startup")
    r["pred_throughput_excl_startup_frontline_over_fasttext_strong"] = a / b if a and b else None
    return r


def ratio_lines(r, res):
    fl = res["systems"]["frontline"]
    ft = res["systems"][STRONG]
    lines = [
        "  train time  frontline/fastText-strong = %.2fx  (%.2f s vs %.2f s)"
        % (r["train_time_frontline_over_fasttext_strong"], fl["train_s"], ft["train_s"]),
        "  prediction throughput frontline/fastText-strong = %.2fx  (%.0f vs %.0f items/s)"
        % (r["pred_throughput_frontline_over_fasttext_strong"], fl["pred_items_per_s"],
           ft["pred_items_per_s"]),
    ]
    if r.get("pred_throughput_excl_startup_frontline_over_fasttext_strong"):
        lines.append("  (excluding start-up/model load: %.2fx, %.0f vs %.0f items/s)"
                     % (r["pred_throughput_excl_startup_frontline_over_fasttext_strong"],
                        fl["pred_items_per_s_excl_startup"], ft["pred_items_per_s_excl_startup"]))
    return lines


def print_dataset(res, out):
    ds = res["name"]
    p = lambda s="": print(s, file=out, flush=True)
    p()
    p("== %s: %d train / %d test items, %d labels (train), %d labels (test)"
      % (ds, res["n_train"], res["n_test"], res["n_labels_train"], res["n_labels_test"]))
    for k, v in res["notes"].items():
        p("   %s: %s" % (k, v))
    p(HEADER)
    for sysname, m in res["systems"].items():
        p(fmt_row(ds, sysname, m))
        if m and "error" in m:
            p("    error: " + m["error"].splitlines()[0])
    ok = [(k, m) for k, m in res["systems"].items() if m and "error" not in m]
    if ok:
        p("  predict start-up (same command on 1 item: process start + model load): "
          + ", ".join("%s %s" % (k, "%.2f s" % m["pred_startup_s"]
                                 if m.get("pred_startup_s") is not None else "n/a") for k, m in ok))
        p("  pred_items/s excluding start-up: "
          + ", ".join("%s %s" % (k, "%.0f" % m["pred_items_per_s_excl_startup"]
                                 if m.get("pred_items_per_s_excl_startup") else "n/a")
                      for k, m in ok))
    fl = res["systems"].get("frontline")
    if fl and "error" not in fl:
        ev = fl.get("eval_json")
        if ev:
            cov = ev.get("coverage_at_precision") or {}
            def g(k, d=ev):
                v = d.get(k)
                return "%.4f" % v if isinstance(v, (int, float)) else "n/a"
            p("  cross-check `frontline eval --json`: n=%s acc=%s macroF1=%s ECE=%s cov@0.95=%s ms/item=%s"
              % (ev.get("n"), g("accuracy"), g("macro_f1"), g("ece"), g("0.95", cov),
                 g("ms_per_item")))
            diffs = []
            for key in ("accuracy", "macro_f1"):
                v = ev.get(key)
                if isinstance(v, (int, float)) and abs(v - fl[key]) > 1e-3:
                    diffs.append("%s %.4f (eval) vs %.4f (predict)" % (key, v, fl[key]))
            if ev.get("n") is not None and ev.get("n") != fl["n"]:
                diffs.append("n %s (eval) vs %d (predict)" % (ev.get("n"), fl["n"]))
            if diffs:
                p("  WARNING: eval and predict disagree: " + "; ".join(diffs))
        else:
            p("  cross-check `frontline eval --json`: " + fl.get("eval_error", "no output"))
    r = res.get("ratios")
    if r:
        for line in ratio_lines(r, res):
            p(line)


def print_summary(results, meta, out):
    p = lambda s="": print(s, file=out, flush=True)
    p()
    p("== summary (threads: frontline --threads %d, fastText -thread %d; wall-clock seconds,"
      % (meta["threads"], meta["threads"]))
    p("   train_s = training incl. model save, pred_items/s = whole test file incl. model load)")
    p(HEADER)
    for res in results:
        for sysname, m in res["systems"].items():
            p(fmt_row(res["name"], sysname, m))
    loads = [m.get("loadavg_1m_after_train", 0) for res in results
             for m in res["systems"].values() if m and "error" not in m]
    if loads and max(loads) > (os.cpu_count() or 1):
        p("  NOTE: the machine was busy (1-min load average up to %.1f on %d cores after"
          " training): timings are noisy" % (max(loads), os.cpu_count() or 1))
    any_ratio = False
    for res in results:
        r = res.get("ratios")
        if r:
            if not any_ratio:
                p()
                p("  ratios frontline / fastText-strong:")
                any_ratio = True
            p("  %-10s train time %.2fx   prediction throughput (items/s) %.2fx   acc delta %+.4f"
              % (res["name"], r["train_time_frontline_over_fasttext_strong"],
                 r["pred_throughput_frontline_over_fasttext_strong"],
                 r["accuracy_delta_frontline_minus_fasttext_strong"]))
    p()
    p("  fastText-default: fasttext supervised (library defaults) -thread %d" % meta["threads"])
    p("  fastText-strong:  fasttext supervised %s -thread %d"
      % (" ".join(FT_CONFIGS[STRONG]), meta["threads"]))
    p("  metrics for every system computed by bench/classify.py from top-1 label + confidence:")
    p("  macro-F1 over classes in gold or predictions; ECE with %d equal-width bins;" % ECE_BINS)
    p("  cov@0.95 = largest share of test items, taken by descending confidence (ties as one")
    p("  group), whose precision is >= 0.95.")


# --------------------------------------------------------------------------- main

def tool_version(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=20).stdout.decode("utf-8", "replace").strip()
    except Exception:
        return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--frontline", default="", help="frontline binary ('' = skip frontline)")
    ap.add_argument("--fasttext", default="", help="fasttext binary ('' = skip fastText)")
    ap.add_argument("--sets", default=" ".join(SETS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--frontline-train-args", default="")
    a = ap.parse_args()

    sets = a.sets.replace(",", " ").split()
    for s in sets:
        if s not in LOADERS:
            raise SystemExit("error: unknown data set %r in BENCH_SETS (known: %s)"
                             % (s, " ".join(SETS)))
    extra = shlex.split(a.frontline_train_args)
    os.makedirs(a.out_dir, exist_ok=True)
    json_path = os.path.join(a.out_dir, "classify.json")
    txt_path = os.path.join(a.out_dir, "classify.txt")

    meta = {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "threads": a.threads,
        "frontline": a.frontline or None,
        "frontline_train_args": extra,
        "fasttext": a.fasttext or None,
        "fasttext_version": tool_version(["dpkg-query", "-W", "-f=${Version}", "fasttext"]),
        "fasttext_configs": {k: v for k, v in FT_CONFIGS.items()},
        "cpu": cpu_model(),
        "nproc": os.cpu_count(),
        "loadavg_at_start": os.getloadavg(),
        "data_dir": a.data_dir,
        "sets": sets,
        "note": "same thread count for both tools; wall-clock times on a possibly shared "
                "machine; train_s includes writing the model, prediction includes loading it",
    }
    results = []
    failed = False
    txt = open(txt_path, "w", encoding="utf-8")

    class Tee:
        def write(self, s):
            sys.stdout.write(s)
            txt.write(s)

        def flush(self):
            sys.stdout.flush()
            txt.flush()
    out = Tee()

    print("frontline classification benchmark — frontline --threads %d vs fastText -thread %d"
          % (a.threads, a.threads), file=out)
    if not a.frontline:
        print("  (frontline skipped)", file=out)
    if not a.fasttext:
        print("  (fastText skipped)", file=out)

    def save():
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "datasets": results}, f, indent=2)
            f.write("\n")

    for name in sets:
        dirs, loader = LOADERS[name]
        missing = [d for d in dirs if not os.path.isdir(os.path.join(a.data_dir, d))]
        if missing:
            print("\n== %s: skipping: %s not found in %s" % (name, ", ".join(missing), a.data_dir),
                  file=out)
            continue
        log("\n[%s] preparing data" % name)
        train, test, notes = loader(a.data_dir)
        work = os.path.join(a.work_dir, name)
        os.makedirs(work, exist_ok=True)
        labels = {l for _, l in train} | {l for _, l in test}
        fwd, back = fasttext_label_map(labels)
        write_frontline_csv(os.path.join(work, "train.csv"), train)
        write_frontline_csv(os.path.join(work, "test.csv"), test)
        write_fasttext_train(os.path.join(work, "train.txt"), train, fwd)
        write_fasttext_train(os.path.join(work, "test.txt"), test, fwd)  # labelled copy
        write_texts(os.path.join(work, "test_texts.txt"), test)
        write_texts(os.path.join(work, "test_ft.txt"), test, for_fasttext=True)
        write_texts(os.path.join(work, "one.txt"), test[:1])
        write_texts(os.path.join(work, "one_ft.txt"), test[:1], for_fasttext=True)
        gold = [l for _, l in test]
        res = {"name": name, "n_train": len(train), "n_test": len(test),
               "n_labels_train": len({l for _, l in train}),
               "n_labels_test": len(set(gold)), "notes": notes, "systems": {}}
        results.append(res)

        if a.frontline:
            try:
                res["systems"]["frontline"] = bench_frontline(a.frontline, a.threads, extra, work, gold)
            except ToolError as e:
                failed = True
                res["systems"]["frontline"] = {"error": str(e)}
                log("  ERROR: " + str(e))
        if a.fasttext:
            for cfg, cfg_args in FT_CONFIGS.items():
                try:
                    res["systems"][cfg] = bench_fasttext(a.fasttext, cfg_args, a.threads, work,
                                                         cfg, gold, back)
                except ToolError as e:
                    failed = True
                    res["systems"][cfg] = {"error": str(e)}
                    log("  ERROR: " + str(e))
        r = ratios(res)
        if r:
            res["ratios"] = r
        print_dataset(res, out)
        save()

    print_summary(results, meta, out)
    save()
    print("\nresults: %s (table: %s)" % (os.path.relpath(json_path), os.path.relpath(txt_path)),
          file=out)
    txt.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
