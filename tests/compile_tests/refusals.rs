//! What the compiler refuses, where, and in which words.

use super::*;

#[test]
fn text_that_is_not_python_gets_the_parsers_message_at_its_place() {
    let e = refused("import threading\n\ndef work(:\n    pass\n");
    assert_eq!((e.line, e.column), (3, 10), "{e}");
    assert!(e.message.en.starts_with("invalid Python: "), "{e}");
    // Size is counted in characters, and a refusal never falls inside one.
    let korean = format!("x = 1\n# {}\n", "가".repeat(40_000));
    compile(&korean).unwrap_or_else(|e| panic!("{e}"));
    let e = refused(&format!("x = 1\n# {}\n", "가".repeat(100_000)));
    assert_eq!((e.line, e.column), (2, 99_995), "{e}");
    assert!(e.message.en.contains("longer than 100000 characters"), "{e}");
    // The parser is built without Unicode's names: the escape is named, not "unexpected".
    let e = refused("print(\"x \\N{BULLET} y\")\n");
    assert_eq!((e.line, e.column), (1, 10), "{e}");
    assert!(e.message.en.contains("`\\N{NAME}` escape is not supported"), "{e}");
}

#[test]
fn a_thread_subclass_outside_the_subset_is_refused_where_it_is() {
    let head = "import threading\n\n";
    for (body, at, says) in [
        ("class A:\n    pass\n", (3, 1), "only as a `threading.Thread` subclass"),
        ("class W(threading.Thread):\n    def go(self):\n        pass\n", (4, 9), "`__init__` and `run` only"),
        ("class W(threading.Thread):\n    def __init__(self):\n        pass\n", (3, 7), "needs `def run(self):`"),
        (
            "class W(threading.Thread):\n    def __init__(self, n):\n        super().__init__()\n        self.name = n\n\n    def run(self):\n        pass\n\n\nw = W(\"x\")\n",
            (6, 9),
            "give the thread's name to `super().__init__(name=...)`",
        ),
        (
            "class W(threading.Thread):\n    def run(self):\n        pass\n\n\nw = W(1)\n",
            (8, 5),
            "W() takes no arguments",
        ),
        (
            "class W(threading.Thread):\n    def __init__(self, a):\n        super().__init__()\n\n    def run(self):\n        pass\n\n\nw = W(1, 2)\n",
            (11, 5),
            "W() takes 1 arguments here, and is given 2",
        ),
    ] {
        let e = refused(&format!("{head}{body}"));
        assert_eq!((e.line, e.column), at, "{body}: {e}");
        assert!(e.message.en.contains(says), "{body}: {e}");
    }
}

#[test]
fn a_construct_outside_the_subset_is_refused_where_it_is_with_what_is_supported() {
    let e = refused("import threading\n\ncounter = 0\n\n\ndef work():\n    global counter\n    try:\n        counter += 1\n    finally:\n        pass\n");
    assert_eq!((e.line, e.column, e.message.en.as_str()), (8, 5, "`try` is not supported yet"));
    let e = refused("import socket\n");
    assert_eq!((e.line, e.column), (1, 8));
    assert!(
        e.message
            .en
            .contains("import `threading`, `multiprocessing` (or `as mp`), `queue`, `_thread`, `time`, `os` or `sys`"),
        "{e}"
    );
    let e = refused("from multiprocessing import Manager\n");
    assert_eq!((e.line, e.column), (1, 29));
    assert!(e.message.en.contains("Process, Queue, Pipe, Value, Pool"), "{e}");
    let e = refused("import threading\nt = threading.Thread(target=print_it)\n");
    assert_eq!((e.line, e.column), (2, 29), "{e}");
    // Assigning shared state without `global` is Python's UnboundLocalError waiting to happen.
    let e = refused("import threading\ncounter = 0\n\ndef work():\n    global x\n    counter += 1\n\nt = threading.Thread(target=work)\n");
    assert!(e.message.en.contains("needs `global counter`"), "{e}");
}

#[test]
fn a_called_functions_body_runs_after_the_call_loops_and_all_and_recursion_is_refused() {
    let source = "import threading\n\ncounter = 0\nlock = threading.Lock()\n\n\ndef add_three():\n    global counter\n    for _ in range(3):\n        counter += 1\n\n\ndef work():\n    global counter\n    counter += 100\n    for _ in range(2):\n        with lock:\n            add_three()\n\n\nthreads = [threading.Thread(target=work) for _ in range(2)]\nfor t in threads:\n    t.start()\nfor t in threads:\n    t.join()\nprint(counter)\n";
    let program = compile(source).unwrap();
    let trace = sim::run(program, Default::default()).unwrap();
    assert_eq!(trace.console_text(), "212\n");
    let e = refused("import threading\n\n\ndef ping():\n    pong()\n\n\ndef pong():\n    ping()\n\n\nt = threading.Thread(target=ping)\n");
    assert_eq!((e.line, e.column), (9, 5), "{e}");
    assert!(e.message.en.contains("calls itself"), "{e}");
}

#[test]
fn multiprocessing_outside_the_subset_is_refused_with_what_to_write_instead() {
    let cases: &[(&str, (u32, u32), &str)] = &[
        ("from multiprocessing import Pool\n\n\ndef f(x):\n    return x\n\n\nif __name__ == \"__main__\":\n    pool = Pool(2)\n    pool.close()\n", (9, 12), "`pool` is given no work"),
        ("from multiprocessing import Pool\n\n\ndef f(x):\n    return x\n\n\nwith Pool() as pool:\n    r = pool.map(f, range(3))\n", (8, 6), "give the pool its size"),
        ("import multiprocessing\n\nmultiprocessing.set_start_method(\"forkserver\")\n", (3, 1), "forkserver"),
        ("import time\n\nstart = time.perf_counter()\ntime.sleep(0.1)\nprint(time.perf_counter() - start)\n", (5, 7), "print it in ms"),
        ("from multiprocessing import Value\n\nv = Value(\"d\", 0.5)\n", (3, 11), "a Value holds a whole number"),
        ("from multiprocessing import Queue\n\nq = Queue()\nq.put(1)\nq.qsize()\n", (5, 1), "a queue's `qsize(...)` is not supported yet"),
        ("from multiprocessing import Process\n\n\ndef f(a):\n    pass\n\n\np = Process(target=f, kwargs={\"b\": 1})\n", (8, 5), "unexpected keyword argument 'b'"),
    ];
    refused_as(cases);
    // What the subset runs: milliseconds rounded as round() does, µs exact.
    let source = "import time\n\nstart = time.perf_counter()\ntime.sleep(0.0126)\nprint(round((time.perf_counter() - start) * 1000))\nprint(int((time.perf_counter() - start) * 1000))\n";
    let trace = sim::run(compile(source).unwrap(), Default::default()).unwrap();
    assert_eq!(trace.console_text(), "13\n12\n");
}

/// What a review of the process and list work found would run otherwise than in CPython is
/// refused now (the programs it found miscompiled are in the corpus, run against CPython).
#[test]
fn what_would_run_otherwise_than_in_cpython_is_refused() {
    let cases: &[(&str, (u32, u32), &str)] = &[
        // A child process has its own copy of a threading object or a queue.Queue.
        ("import queue\nfrom multiprocessing import Process\n\nq = queue.Queue()\n\n\ndef produce():\n    q.put(42)\n\n\nif __name__ == \"__main__\":\n    p = Process(target=produce)\n    p.start()\n    p.join()\n", (12, 9), "a child process gets its own copy"),
        // Under spawn a child has only what it is given; pipes under spawn not yet.
        ("import multiprocessing\n\n\ndef reader(conn):\n    print(conn.recv())\n\n\nif __name__ == \"__main__\":\n    multiprocessing.set_start_method(\"spawn\")\n    a, b = multiprocessing.Pipe()\n    p = multiprocessing.Process(target=reader, args=(b,))\n", (11, 9), "pipes under the spawn start method"),
        ("import multiprocessing\n\n\ndef put(q):\n    q.put(1)\n\n\nif __name__ == \"__main__\":\n    multiprocessing.set_start_method(\"spawn\")\n    q = multiprocessing.Queue()\n    v = multiprocessing.Value(\"i\", 0)\n\n\ndef bump():\n    v.value += 1\n\n\nif __name__ == \"__main__\":\n    p = multiprocessing.Process(target=bump)\n", (19, 9), "pass `v` to it in `args=`"),
        // A text's code would be taken for a number.
        ("import queue\n\nq = queue.Queue()\nq.put(\"hi\")\n\n\ndef show(item):\n    print(item)\n\n\nmsg = q.get()\nshow(msg)\n", (12, 6), "may be a text here"),
        // Leaving `with Pool` terminates it; join before close raises.
        ("from multiprocessing import Pool\n\n\ndef f(x):\n    return x\n\n\nif __name__ == \"__main__\":\n    with Pool(2) as pool:\n        for x in range(3):\n            pool.apply_async(f, (x,))\n", (9, 5), "terminates the pool"),
        ("from multiprocessing import Pool\n\n\ndef f(x):\n    return x\n\n\nif __name__ == \"__main__\":\n    pool = Pool(2)\n    for x in range(3):\n        pool.apply_async(f, (x,))\n    pool.join()\n", (12, 5), "ValueError: Pool is still running"),
        ("from multiprocessing import Pool\n\n\ndef f(x):\n    return x\n\n\nif __name__ == \"__main__\":\n    pool = Pool(2)\n    for x in range(3):\n        pool.apply_async(f, (x * 10,))\n", (11, 29), "the loop's own `(x,)`"),
        ("from multiprocessing import Pool\n\n\ndef f(x):\n    return x\n\n\nif __name__ == \"__main__\":\n    with Pool(64) as a:\n        r = a.map(f, range(2))\n    with Pool(2) as b:\n        r = b.map(f, range(2))\n", (11, 10), "at most 64 processes"),
        // A list loop's name rebinding a name, a narrow Value, too many operations.
        ("n = 10\nfor n in [1, 2, 3]:\n    print(n)\nprint(n)\n", (2, 5), "has a value already"),
        ("from multiprocessing import Value\n\nv = Value(\"b\", 200)\n", (3, 11), "typecode \"i\", \"l\" or \"q\""),
        ("X = [i for i in range(10000)]\nfor a in X:\n    for b in X:\n        print(a + b)\n", (3, 5), "at most 200000 operations"),
    ];
    for (source, (line, column), says) in cases {
        let e = refused(source);
        assert_eq!((e.line, e.column), (*line, *column), "{e}\n{source}");
        assert!(e.message.en.contains(says), "{e}\n{source}");
    }
    // A slice of a slice of ... is computed once per level, not twice.
    let source = format!("X = \"abc\"\nprint(X{})\n", "[:]".repeat(60));
    assert_eq!(sim::run(compile(&source).unwrap(), Default::default()).unwrap().console_text(), "abc\n");
}

/// What the subset cannot run yet is refused, not run differently.
#[test]
fn what_the_subset_cannot_run_yet_is_refused_where_it_is() {
    let cases: &[(&str, (u32, u32), &str)] = &[
        ("import threading\n\n\ndef work(n):\n    n = 9\n\n\nt = threading.Thread(target=work, args=(\"a\",))\n", (5, 5), "assigning to the parameter `n`"),
        ("for i in range(3):\n    i += 1\n", (1, 5), "assigning to the loop's variable `i` inside the loop"),
        ("import threading\n\nforks = [threading.Lock() for _ in range(2)]\n\n\ndef eat():\n    forks[2].acquire()\n\n\nt = threading.Thread(target=eat)\n", (7, 5), "IndexError: list index 2 out of range (2 items)"),
        ("import threading\n\nlock = threading.Lock()\n\n\ndef eat():\n    lock.acquire(blocking=False, timeout=1)\n\n\nt = threading.Thread(target=eat)\n", (7, 5), "ValueError: can't specify a timeout for a non-blocking call"),
        ("import threading\nimport time\n\nprint(\"go\")\nstart = time.monotonic()\n", (5, 9), "read as the run's start"),
        ("import threading\n\n\ndef work():\n    pass\n\n\nif True:\n    t = threading.Thread(target=work)\n", (9, 9), "threads are made at the module's top level"),
        ("import threading\n\n\ndef work():\n    pass\n\n\nts = [threading.Thread(target=work) for i in range(3) if i != 1]\n", (8, 58), "a comprehension's `if`"),
        ("t = threading.Thread(target=print)\n", (1, 5), "`threading` is not imported"),
        ("import threading\n\n\ndef work():\n    pass\n\n\nts = [threading.Thread(target=work) for _ in range(10**12)]\n", (8, 6), "at most 1000 threads"),
        ("work()\n\n\ndef work():\n    pass\n", (1, 1), "`work` is used before it is given a value"),
        ("print(X)\nX = 5\n", (1, 7), "`X` is used before it is given a value"),
        ("x = 0\r\nx = 1\rx **= 2\n", (3, 1), "`**=` is not supported yet"),
        ("import threading\n\n\ndef worker(a, b):\n    pass\n\n\nt = threading.Thread(target=worker, args=(1,))\n", (8, 5), "TypeError: worker() missing 1 required positional argument: 'b'"),
        ("X = -----------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------1\n", (1, 205), "nested more than 200 deep"),
    ];
    refused_as(cases);
}

#[test]
fn the_switch_interval_is_set_before_any_thread_starts_and_must_be_positive() {
    let program = compile("import sys\n\nsys.setswitchinterval(0.0005)\n").unwrap();
    assert_eq!(program.switch_interval, Some(500_000));
    let cases: &[(&str, (u32, u32), &str)] = &[
        ("import sys\n\nsys.setswitchinterval(0)\n", (3, 1), "ValueError: switch interval must be strictly positive"),
        ("import sys\n\nsys.setswitchinterval(60)\n", (3, 1), "from 1 µs to 10 s"),
        ("import sys\nimport threading\n\n\ndef work():\n    pass\n\n\nt = threading.Thread(target=work)\nt.start()\nsys.setswitchinterval(0.001)\n", (11, 1), "before starting any thread"),
        ("import sys\n\n\ndef tune():\n    sys.setswitchinterval(0.001)\n\n\ntune()\ntune()\n", (5, 5), "at the module's level"),
        ("import sys\n\nsys.exit(0)\n", (3, 1), "`sys.exit` is not supported yet"),
        ("import sys\n\nfor _ in range(2):\n    sys.setswitchinterval(0.0001)\n", (4, 5), "not in a loop or a branch"),
    ];
    refused_as(cases);
}
