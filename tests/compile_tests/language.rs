//! The Python the subset runs, compiled as CPython runs it.

use super::*;

#[test]
fn a_module_level_list_the_threads_change_is_shared_and_each_process_has_its_own() {
    // Recorded from CPython 3.11.
    let source = "import threading\n\nitems = []\nslots = [0, 0, 0]\n\n\ndef worker(k):\n    for i in range(3):\n        items.append(k * 10 + i)\n        slots[k] += 1\n    slots[k] = slots[k] * 2\n\n\nts = [threading.Thread(target=worker, args=(k,)) for k in range(3)]\nfor t in ts:\n    t.start()\nfor t in ts:\n    t.join()\nprint(len(items))\nprint(f\"{slots[0]} {slots[1]} {slots[-1]}\")\nlast = items.pop()\nprint(f\"{len(items)} left, {last} popped\")\n";
    let trace = sim::run(compile(source).unwrap(), Default::default()).unwrap();
    assert_eq!(trace.console_text(), "9\n6 6 6\n8 left, 22 popped\n");
    // Past the end: IndexError, raised where CPython raises it.
    let program = compile("items = [1]\nitems.append(2)\nprint(items[5])\n").unwrap();
    let trace = sim::run(program, Default::default()).unwrap();
    let raised: Vec<_> = trace.errors.iter().map(|e| (e.line, e.exception.as_str(), e.message.as_str())).collect();
    assert_eq!(raised, [(3, "IndexError", "list index out of range")]);
    let e = refused("names = [\"a\"]\nnames.append(\"b\")\n");
    assert_eq!((e.line, e.column), (1, 9), "{e}");
    assert!(e.message.en.contains("a list the program changes holds whole numbers"), "{e}");
    let e = refused("def work(n):\n    results = []\n    results.append(n)\n\n\nwork(1)\n");
    assert!(e.message.en.contains("a list local to a function cannot change yet"), "{e}");
    let e = refused("items = []\nitems.append(1)\nprint(items)\n");
    assert!(e.message.en.contains("printing a whole `list` is not supported yet"), "{e}");
    let e = refused("def f(a, b, c):\n    return a\n\n\nx = f()\n");
    assert_eq!(e.message.en, "TypeError: f() missing 3 required positional arguments: 'a', 'b', and 'c'");
    let e = refused("items = [1]\nitems.sort()\n");
    assert!(e.message.en.contains("a list's `sort(...)` is not supported yet"), "{e}");
}

#[test]
fn texts_travel_through_queues_and_pipes_and_print_as_python_prints_them() {
    // Recorded from CPython 3.11.
    let source = "import queue\n\nWORDS = [\"one\", \"two\"]\nq = queue.Queue()\nfor w in WORDS:\n    q.put(w)\nq.put(3)\nq.put(\"it's\")\nfor _ in range(4):\n    item = q.get()\n    print(f\"got {item!r}\")\n    print(item)\n";
    let trace = sim::run(compile(source).unwrap(), Default::default()).unwrap();
    assert_eq!(trace.console_text(), "got 'one'\none\ngot 'two'\ntwo\ngot 3\n3\ngot \"it's\"\nit's\n");
    let e = refused("import queue\n\nq = queue.Queue()\nfor i in range(2):\n    q.put(f\"job {i}\")\n");
    assert_eq!((e.line, e.column), (5, 11), "{e}");
    assert!(e.message.en.contains("a text sent through a queue or a pipe is a literal"), "{e}");
}

#[test]
fn a_print_shows_a_threads_liveness_as_python_does_and_the_process_id() {
    let program = compile(
        "import os\nimport threading\n\n\ndef work():\n    pass\n\n\nt = threading.Thread(target=work)\nprint(f\"{t.is_alive()} {os.getpid()}\")\nt.start()\nt.join()\nprint(t.is_alive())\n",
    )
    .unwrap();
    let trace = sim::run(program, Default::default()).unwrap();
    let lines: Vec<String> = trace.console_text().lines().map(str::to_string).collect();
    let (alive, pid) = lines[0].split_once(' ').unwrap();
    assert_eq!((alive, lines[1].as_str()), ("False", "False"), "{lines:?}");
    assert!(pid.parse::<u32>().is_ok(), "{lines:?}");
    let e = refused("import threading\n\n\ndef work():\n    pass\n\n\nts = [threading.Thread(target=work) for _ in range(2)]\nprint(ts.is_alive())\n");
    assert!(e.message.en.contains("a list of threads"), "{e}");
}

#[test]
fn threads_made_in_a_top_level_loop_each_get_the_loops_value() {
    let program = compile(
        "import threading\n\n\ndef work(k):\n    print(f\"worker {k}\")\n\n\nfor k in range(1, 4):\n    t = threading.Thread(target=work, args=(k,))\n    t.start()\n    t.join()\n",
    )
    .unwrap();
    let trace = sim::run(program, Default::default()).unwrap();
    assert_eq!(trace.console_text(), "worker 1\nworker 2\nworker 3\n");
    let names: Vec<&str> = trace.actors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["MainThread", "Thread-1 (work)", "Thread-2 (work)", "Thread-3 (work)"]);
}

#[test]
fn a_threads_arguments_bind_its_parameters_and_module_constants_may_be_decimals_or_text() {
    let source = "import threading\nimport time\n\nGAP = 0.002\nWHO = \"worker\"\n\n\ndef report(k, times):\n    for _ in range(times):\n        time.sleep(GAP * k)\n        print(f\"{WHO} {k} at {GAP * k}\")\n\n\nthreads = [threading.Thread(target=report, args=(k, 2), daemon=True) for k in range(1, 3)]\nfor t in threads:\n    t.start()\nfor t in threads:\n    t.join()\n";
    let program = compile(source).unwrap();
    assert_eq!(program.actors[1].name, "Thread-1 (report)");
    assert!(program.actors[1].daemon);
    let text = sim::run(program, Default::default()).unwrap().console_text();
    // As CPython prints them: Thread-1's second line (at 4 ms) before Thread-2's first
    // (4 ms after its later start).
    assert_eq!(text, "worker 1 at 0.002\nworker 1 at 0.002\nworker 2 at 0.004\nworker 2 at 0.004\n");
    let e =
        refused("import threading\n\n\ndef work(n):\n    pass\n\n\nt = threading.Thread(target=work, args=(1, 2))\n");
    assert_eq!(
        (e.line, e.column, e.message.en.as_str()),
        (8, 5, "TypeError: work() takes 1 positional argument but 2 were given")
    );
}

#[test]
fn while_if_elif_else_break_and_continue_run_as_cpython_runs_them() {
    // CPython prints: 1 odd, 2 even, 3 odd, then 5 odd (4 skipped), and stops at 7.
    let source = "import threading\n\nn = 0\n\n\ndef count():\n    global n\n    while True:\n        n += 1\n        if n == 4:\n            continue\n        elif n >= 7:\n            break\n        if n == 2:\n            print(f\"{n} even\")\n        else:\n            print(f\"{n} odd\")\n\n\nt = threading.Thread(target=count)\nt.start()\nt.join()\nwhile n < 9:\n    n += 1\nif n <= 9:\n    print(f\"main: n is {n}\")\n";
    let trace = sim::run(compile(source).unwrap(), Default::default()).unwrap();
    assert_eq!(trace.console_text(), "1 odd\n2 even\n3 odd\n5 odd\n6 odd\nmain: n is 9\n");
    // A module-level number only the main thread updates, inside a loop, is a variable.
    let trace = sim::run(compile("n = 0\nwhile n < 3:\n    n += 1\nprint(n)\n").unwrap(), Default::default()).unwrap();
    assert_eq!(trace.console_text(), "3\n");
    let e = refused("import threading\n\n\ndef work():\n    for _ in range(3):\n        break\n");
    assert!(e.message.en.contains("in a `for` loop is not supported yet"), "{e}");
    let e = refused("import threading\n\nx = 0\nwhile x < y:\n    x += 1\n");
    assert_eq!((e.line, e.column), (4, 11), "{e}");
}

#[test]
fn functions_return_values_take_locals_defaults_and_names_and_loops_read_their_variable() {
    // Recorded from CPython 3.11: the threads' lines in some order, then the totals.
    let source = "import threading\n\ntotal = 0\n\n\ndef square(x):\n    return x * x\n\n\ndef clamp(v, low=0, high=10):\n    if v < low:\n        return low\n    if v > high:\n        return high\n    return v\n\n\ndef work(k):\n    global total\n    s = square(k)\n    c = clamp(s, high=5)\n    for i in range(3):\n        total = total + i * k\n    print(f\"{k}: {s} {c} {i}\")\n\n\nts = [threading.Thread(target=work, args=(k,)) for k in range(4)]\nfor t in ts:\n    t.start()\nfor t in ts:\n    t.join()\nprint(total)\nx, y = 3, 10\nx = y - x\nprint(y * 3 + x * 2 - 1)\n";
    let trace = sim::run(compile(source).unwrap(), Default::default()).unwrap();
    // A print's text and its newline are two writes: another thread's line may land between.
    let text = trace.console_text();
    for line in ["0: 0 0 2", "1: 1 1 2", "2: 4 4 2", "3: 9 5 2"] {
        assert!(text.contains(line), "{text}");
    }
    assert!(text.ends_with("\n18\n43\n"), "{text}");
    let e = refused("def first(n):\n    for i in range(n):\n        return i\n    return -1\n\n\nprint(first(3))\n");
    assert_eq!((e.line, e.column), (3, 9), "{e}");
    assert!(e.message.en.contains("`return` inside a `for` loop"), "{e}");
    let e = refused("def f():\n    pass\n\n\nx = f()\n");
    assert!(e.message.en.contains("`f()` gives `None`"), "{e}");
    let e = refused("def f(a):\n    return a\n\n\nx = f(1, b=2)\n");
    assert_eq!(e.message.en, "TypeError: f() got an unexpected keyword argument 'b'");
    let e = refused("def f(a, b):\n    return a\n\n\nx = f(1)\n");
    assert_eq!(e.message.en, "TypeError: f() missing 1 required positional argument: 'b'");
}

#[test]
fn a_pools_workers_and_threads_are_numbered_as_cpython_numbers_them() {
    // CPython 3.11: after one Process, a Pool(2)'s workers are ForkPoolWorker-2 and -3 (the
    // process count goes on), its three threads take Thread-1..3, a thread made after is
    // Thread-4 (g).
    let source = "import threading\nfrom multiprocessing import Pool, Process\n\n\ndef f(x):\n    return x\n\n\ndef g():\n    pass\n\n\nif __name__ == \"__main__\":\n    p = Process(target=g)\n    p.start()\n    p.join()\n    with Pool(2) as pool:\n        for x in range(2):\n            pool.apply_async(f, (x,))\n        pool.close()\n        pool.join()\n    t = threading.Thread(target=g)\n    print(t.name)\n";
    let program = compile(source).unwrap();
    let names: Vec<&str> = program.actors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "MainThread",
            "Process-1",
            "ForkPoolWorker-2",
            "ForkPoolWorker-3",
            "Thread-3 (_handle_results)",
            "Thread-4 (g)"
        ]
    );
    let trace = sim::run(program, Default::default()).unwrap();
    assert_eq!(trace.console_text(), "Thread-4 (g)\n");
}

/// Programs a review found compiled into something other than what CPython runs: each
/// must print what CPython 3.11 prints (recorded here from it).
#[test]
fn programs_once_miscompiled_now_print_what_cpython_prints() {
    let cases: &[(&str, &str, &str)] = &[
        ("reassigned", "x = 1\nprint(x)\nx = 2\nprint(x)\n", "1\n2\n"),
        ("updated_in_loop", "x = 0\nfor _ in range(3):\n    x = x + 1\nprint(x)\n", "3\n"),
        ("main_writes_shared", "import threading\ncounter = 0\ndef work():\n    global counter\n    counter += 1\nt = threading.Thread(target=work)\nt.start()\nt.join()\nprint(counter)\ncounter = 100\nprint(counter)\n", "1\n100\n"),
        ("local_read_in_loop", "import threading\ncounter = 0\ndef work():\n    global counter\n    value = counter\n    for _ in range(3):\n        counter = value + 1\nt = threading.Thread(target=work)\nt.start()\nt.join()\nprint(counter)\n", "1\n"),
        ("local_read_after_if", "import threading\ncounter = 0\ndef work():\n    global counter\n    value = counter\n    if value < 5:\n        counter = value + 1\n    print(f\"value={value}\")\nt = threading.Thread(target=work)\nt.start()\nt.join()\nprint(counter)\n", "value=0\n1\n"),
        ("local_beside_condition", "import threading\ncounter = 0\ndef work():\n    global counter\n    while counter < 4:\n        if counter == 0:\n            x = 10\n        print(f\"x={x}\")\n        counter += 1\nt = threading.Thread(target=work)\nt.start()\nt.join()\n", "x=10\nx=10\nx=10\nx=10\n"),
        ("break_out_of_with", "import threading\nlock = threading.Lock()\ncounter = 0\ndef work():\n    global counter\n    while True:\n        with lock:\n            counter += 1\n            if counter >= 2:\n                break\n    print(\"worker done\")\nt = threading.Thread(target=work)\nt.start()\nt.join()\nwith lock:\n    print(f\"main got lock, counter={counter}\")\n", "worker done\nmain got lock, counter=2\n"),
        ("floats", "X = 1e-5\nY = 1e16\nZ = 1e20\nW = 2.5e-7\nprint(X)\nprint(f\"{Y} {Z} {W}\")\nprint(1e308 * 10)\nprint(-1e308 * 10)\n", "1e-05\n1e+16 1e+20 2.5e-07\ninf\n-inf\n"),
        ("division", "Y = 4611686018427387904 % 4611686018427387905\nprint(Y)\nZ = -7 // 2\nW = 7 % -3\nV = -7 % 3\nprint(f\"{Z} {W} {V} {7 / 2} {10 / 5} {-3 // -2}\")\n", "4611686018427387904\n-4 -2 2 3.5 2.0 1\n"),
        ("docstrings and an import under the main guard", "\"\"\"A module.\"\"\"\n\n\ndef work():\n    \"\"\"Nothing.\"\"\"\n\n\nif __name__ == \"__main__\":\n    import time\n    time.sleep(0.01)\n    print(\"slept\")\n", "slept\n"),
    ];
    for (name, source, cpython) in cases {
        let program = compile(source).unwrap_or_else(|e| panic!("{name}: {e}"));
        let trace = sim::run(program, Default::default()).unwrap();
        assert_eq!(trace.console_text(), *cpython, "{name}");
    }
}

/// The operations of thread `actor` of `source`: how many times each counted loop goes
/// round, and how many conditional jumps there are.
fn loops_and_jumps(source: &str, actor: usize) -> (Vec<u64>, usize) {
    let program = compile(source).unwrap_or_else(|e| panic!("{e}\n{source}"));
    let ops = &program.actors[actor].ops;
    let loops = ops.iter().filter_map(|op| match op.kind {
        OpKind::Loop { times, .. } => Some(times),
        _ => None,
    });
    (loops.collect(), ops.iter().filter(|op| matches!(op.kind, OpKind::JumpIf { .. })).count())
}

#[test]
fn a_while_loop_that_counts_runs_as_a_counted_loop_and_one_that_may_not_end_as_jumps() {
    let thread = |def: &str, args: &str| {
        format!("import threading\n\n\n{def}\n\n\nt = threading.Thread(target=work, args=({args}))\nt.start()\n")
    };
    let counted = [
        ("def work(n):\n    while n > 0:\n        n -= 3", "10,", 4),
        ("def work(i):\n    while i <= 3:\n        print(i)\n        i = i + 1", "1,", 3),
        ("def work(i):\n    while i:\n        i -= 1", "4,", 4),
        ("def work():\n    k = 0\n    while 10 != k:\n        k += 2", "", 5),
        ("def work(n):\n    n = 7\n    print(n)\n    while n >= 2:\n        n -= 2", "0,", 3),
    ];
    for (def, args, passes) in counted {
        assert_eq!(loops_and_jumps(&thread(def, args), 1), (vec![passes], 0), "{def}");
    }
    // Never runs: no loop at all, only its test.
    assert_eq!(loops_and_jumps(&thread("def work(n):\n    while n < 5:\n        n += 1", "10,"), 1), (vec![], 0));
    // Jumps: it may end early, may never end, steps twice or starts from what the run gives.
    let jumps = [
        ("def work(n):\n    while n > 0:\n        n -= 1\n        if n == 3:\n            break", "10,"),
        ("def work(n):\n    while n > 0:\n        n += 1", "10,"),
        ("def work(n):\n    while n != 0:\n        n -= 3", "10,"),
        ("def work(n):\n    while n > 0:\n        n -= 1\n        if n == 3:\n            n -= 1", "10,"),
        ("def work(n):\n    while n > 0:\n        n -= 1\n        n -= 1", "10,"),
        ("def work(n):\n    if n > 3:\n        n = 2\n    while n > 0:\n        n -= 1", "10,"),
    ];
    for (def, args) in jumps {
        let (_, conditional) = loops_and_jumps(&thread(def, args), 1);
        assert!(conditional > 0, "{def}");
    }
}

#[test]
fn a_main_function_makes_threads_as_the_module_would_and_keeps_its_locals_to_itself() {
    let body = "    threads = [threading.Thread(target=work) for _ in range(3)]\n    for t in threads:\n        t.start()\n    for t in threads:\n        t.join()\n";
    let with_main = format!("import threading\n\n\ndef work():\n    print(\"hi\")\n\n\ndef main():\n{body}\n\nif __name__ == \"__main__\":\n    main()\n");
    let program = compile(&with_main).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(program.actors.len(), 4, "the main thread and its three threads");
    let starts = program.actors[0].ops.iter().filter(|op| matches!(op.kind, OpKind::Start { .. })).count();
    assert_eq!(starts, 3);
    // Called twice, or with an argument: a function like any other, which may not make threads.
    let twice = with_main.replace("    main()\n", "    main()\n    main()\n");
    assert!(refused(&twice).message.en.contains("in a `main()` without parameters called once there"));
    let cases: &[(&str, (u32, u32), &str)] = &[
        ("import threading\n\n\ndef worker():\n    with lock:\n        pass\n\n\ndef main():\n    lock = threading.Lock()\n    t = threading.Thread(target=worker)\n    t.start()\n\n\nmain()\n", (4, 5), "NameError: `lock` is a local of `main()`, which `worker()` cannot see"),
        ("import threading\n\ncount = 0\n\n\ndef work():\n    pass\n\n\ndef main():\n    count = 5\n    t = threading.Thread(target=work)\n\n\nmain()\n", (11, 5), "`count` is a local of `main()` and the module's as well"),
        ("import threading\n\n\nclass W(threading.Thread):\n    def run(self):\n        print(total)\n\n\ndef main():\n    total = 3\n    w = W()\n    w.start()\n\n\nmain()\n", (5, 9), "`run()` cannot see"),
        ("import threading\n\n\ndef work():\n    pass\n\n\ndef main():\n    t = threading.Thread(target=work)\n    t.start()\n\n\nmain()\nprint(t.name)\n", (14, 1), "which the module cannot see after it returns"),
        ("import threading\n\n\ndef work():\n    pass\n\n\ndef main():\n    work = threading.Thread(target=work)\n\n\nmain()\n", (9, 5), "`work` is a local of `main()` and the module's as well"),
    ];
    refused_as(cases);
}

#[test]
fn values_are_what_cpython_gives_after_a_parameter_changes_and_after_loops_that_make_threads() {
    let printed = |source: &str| sim::run(compile(source).unwrap(), Default::default()).unwrap().console_text();
    // A local copied from a parameter the function changed has the changed value.
    let copied = "import threading\n\n\ndef work(n):\n    n -= 1\n    left = n\n    print(left)\n\n\nt = threading.Thread(target=work, args=(5,))\nt.start()\nt.join()\n";
    assert_eq!(printed(copied), "4\n");
    // Two loops that make threads over one name, then a loop that prints it: each its own.
    let loops = "import threading\n\n\ndef w(i):\n    print(f\"w {i}\")\n\n\nfor i in range(2):\n    t = threading.Thread(target=w, args=(i,))\n    t.start()\n    t.join()\nfor i in range(2, 4):\n    t = threading.Thread(target=w, args=(i,))\n    t.start()\n    t.join()\nfor i in range(3):\n    print(i)\n";
    assert_eq!(printed(loops), "w 0\nw 1\nw 2\nw 3\n0\n1\n2\n");
}
