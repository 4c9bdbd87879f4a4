//! `multiprocessing.Pool`, made in the main thread (`with Pool(n) as pool:` or
//! `pool = Pool(n)`) for one batch of work: `pool.map(f, range(N), chunksize=c)`,
//! `list(pool.imap_unordered(f, range(N)))`, or `pool.apply_async(f, (x,), callback=...)`
//! for each `x` of a `range(N)` (in a `for` loop, or a list of handles whose `get()`s are
//! read after). The pool itself is the engine's, built as CPython builds one (worker
//! processes, a task queue, a result queue, a result-handler thread); the compiler finds
//! the batch when the pool is made, compiles `f` as the task (its parameter the item, its
//! `return` the result) and the callback, and then places each part on its line.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::body::{Body, Local};
use super::processes::mp_call;
use super::scope::{Global, Handle, OpenPool};
use super::CompileError;
use crate::engine::program::{
    offset_jumps, ActorDef, ActorRole, Arith, ObjectDef, ObjectId, ObjectKind, Op, OpKind, Operand, ProcessId, Program,
    Reg, StartMethod, Wait,
};
use crate::engine::python::pool::{add_pool, PoolLines, PoolMethod, PoolParts, PoolPlan, ITEM, RESULT, TASK_REGS};
use crate::i18n::Prose;
use crate::said;

/// The most tasks one batch may hold.
const MAX_TASKS: u64 = 10_000;

/// The batch a pool runs, as found in the statements after it is made.
struct Batch<'s> {
    method: PoolMethod,
    function: usize,
    tasks: u32,
    /// The first item (`range(first, ...)`): the engine's pool counts items from 0.
    first: i64,
    chunksize: Option<u32>,
    /// The statement that hands it out.
    statement: &'s Stmt,
    /// The call (`map`, `imap_unordered`, `apply_async`), for its line.
    call: &'s ast::ExprCall,
    callback: Option<&'s Expr>,
    /// `H = [pool.apply_async(...) for x in range(N)]`: H.
    handles: Option<String>,
}

impl Body<'_, '_> {
    /// `with Pool(n) as pool:` or `pool = Pool(n)` (`after`: the statements that follow it
    /// in its block): `Ok(false)` when `stmt` makes no pool.
    pub(super) fn pool_statement(&mut self, stmt: &Stmt, after: &[Stmt]) -> Result<bool, CompileError> {
        let (value, name, scope) = match stmt {
            Stmt::With(with) => match with.items.as_slice() {
                [item] => match (&item.optional_vars, mp_call(self.m, &item.context_expr)?) {
                    (Some(vars), Some((_, "Pool"))) => match vars.as_ref() {
                        Expr::Name(n) => (&item.context_expr, n, &with.body[..]),
                        other => {
                            let message = said!(
                                "`with Pool(n) as pool:` names the pool",
                                "`with Pool(n) as pool:`처럼 풀에 이름을 붙여야 합니다"
                            );
                            return Err(self.refuse(other, message));
                        }
                    },
                    _ => return Ok(false),
                },
                _ => return Ok(false),
            },
            Stmt::Assign(assign) => match (assign.targets.as_slice(), mp_call(self.m, &assign.value)?) {
                ([Expr::Name(n)], Some((_, "Pool"))) => (assign.value.as_ref(), n, after),
                _ => return Ok(false),
            },
            _ => return Ok(false),
        };
        let Some((call, _)) = mp_call(self.m, value)? else { return Ok(false) };
        if !self.main || self.nesting > usize::from(matches!(stmt, Stmt::With(_))) {
            let message = said!(
                "a Pool is made in the main thread's top level, so far",
                "Pool은 아직 메인 스레드의 최상위에서만 만들 수 있습니다"
            );
            return Err(self.refuse(call, message));
        }
        let size = match (&call.arguments.args[..], &call.arguments.keywords[..]) {
            ([n], []) => n,
            ([], [k]) if k.arg.as_ref().is_some_and(|a| a.as_str() == "processes") => &k.value,
            _ => {
                let message =
                    said!("give the pool its size: `Pool(4)`, so far", "아직은 풀의 크기를 정해야 합니다: `Pool(4)`");
                return Err(self.refuse(call, message));
            }
        };
        let processes = self.int(size).filter(|n| (1..=64).contains(n)).ok_or_else(|| {
            let message = said!(
                "a pool's size is a whole number from 1 to 64 known before the run",
                "풀의 크기는 실행 전에 알 수 있는 1부터 64까지의 정수여야 합니다"
            );
            self.refuse(size, message)
        })?;
        if self.m.processes.len() + processes as usize > super::processes::MAX_PROCESSES {
            let most = super::processes::MAX_PROCESSES;
            let message = said!(
                "a program may make at most {most} processes so far, a pool's workers counted",
                "프로그램은 아직 풀의 워커까지 세어 프로세스를 최대 {most}개까지 만들 수 있습니다"
            );
            return Err(self.refuse(call, message));
        }
        let pool = name.id.as_str();
        let batch = self.find_batch(pool, scope)?.ok_or_else(|| {
            let message = said!(
                "`{pool}` is given no work: `{pool}.map(f, range(N))` or `{pool}.apply_async(f, (x,))` \
                 for each x, so far",
                "`{pool}`에 맡긴 작업이 없습니다: 아직은 `{pool}.map(f, range(N))`을(를) 쓰거나 \
                 각 x마다 `{pool}.apply_async(f, (x,))`을(를) 호출해야 합니다"
            );
            self.refuse(call, message)
        })?;
        let plan = PoolPlan {
            processes: processes as u16,
            tasks: batch.tasks,
            chunksize: batch.chunksize,
            method: batch.method,
            start_method: self.m.start_method,
        };
        let lines = PoolLines {
            pool: super::line_of(self.m.source, call),
            call: super::line_of(self.m.source, batch.call),
            function: super::line_of(self.m.source, &self.m.functions[batch.function].name),
        };
        // Handles without a callback: their results reach the main thread through a queue.
        let handles = match (&batch.handles, batch.callback) {
            (Some(h), None) => {
                self.m.objects.push(ObjectDef { name: h.clone(), kind: ObjectKind::Queue { maxsize: 0 } });
                Some((h.clone(), ObjectId(self.m.objects.len() as u16 - 1)))
            }
            _ => None,
        };
        let task = self.pool_task(batch.function, batch.first, lines.function)?;
        // The task runs in the workers, child processes given nothing but the items.
        self.m.shareable(&task, &[], call)?;
        let callback = match (handles.as_ref(), batch.callback) {
            (Some((_, queue)), _) => {
                vec![Op { kind: put_result(*queue), line: lines.call }]
            }
            (None, Some(callback)) => self.pool_callback(callback, lines.call)?,
            (None, None) => Vec::new(),
        };
        let parts = self.add_pool(&plan, &task, &callback, lines);
        self.extend(parts.start.clone());
        self.pools.insert(
            pool.to_string(),
            OpenPool { parts, plan, batch: batch.statement.range().start(), handles, closed: false },
        );
        if let Stmt::With(with) = stmt {
            self.block(&with.body)?;
            // Leaving the block ends the pool: CPython's `__exit__` terminates it. Every
            // result of a map is in by then; apply_async's tasks may still be running.
            let open = self.pools.remove(pool).expect("made above");
            if !open.closed && open.plan.method == PoolMethod::ApplyAsync && open.handles.is_none() {
                let message = said!(
                    "leaving `with Pool(...)` terminates the pool, and tasks still running are lost: \
                     call `{pool}.close()` and `{pool}.join()` in the block first, so far",
                    "`with Pool(...)` 블록을 벗어나면 풀이 종료되어 아직 실행 중인 작업을 잃습니다: \
                     아직은 블록 안에서 먼저 `{pool}.close()`와 `{pool}.join()`을 호출해야 합니다"
                );
                return Err(self.refuse(with, message));
            }
            if !open.closed {
                let ops = shutdown_on(open.parts.shutdown, super::line_of(self.m.source, with));
                self.extend(ops);
            }
        }
        Ok(true)
    }

    /// The statement in `scope` that hands `pool` its work.
    fn find_batch<'s>(&self, pool: &str, scope: &'s [Stmt]) -> Result<Option<Batch<'s>>, CompileError> {
        for stmt in scope {
            let found = match stmt {
                Stmt::Assign(assign) => match (assign.targets.as_slice(), assign.value.as_ref()) {
                    ([Expr::Name(target)], value) => self.batch_in(pool, stmt, target, value)?,
                    _ => None,
                },
                Stmt::For(for_) => match for_.body.as_slice() {
                    [Stmt::Expr(e)] => match pool_method(&e.value, pool) {
                        Some((call, "apply_async")) => {
                            let Some((first, n)) = self.range(&for_.iter) else {
                                return Err(self.refuse(for_.iter.as_ref(), tasks_in_a_range()));
                            };
                            Some(self.apply_async(call, (first, n), &for_.target, stmt, None)?)
                        }
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// `X = pool.map(...)`, `X = list(pool.imap_unordered(...))` or
    /// `H = [pool.apply_async(...) for x in range(N)]`.
    fn batch_in<'s>(
        &self,
        pool: &str,
        stmt: &'s Stmt,
        target: &ast::ExprName,
        value: &'s Expr,
    ) -> Result<Option<Batch<'s>>, CompileError> {
        let unlisted = match value {
            Expr::Call(list) if matches!(list.func.as_ref(), Expr::Name(n) if n.id.as_str() == "list") => {
                list.arguments.args.first().unwrap_or(value)
            }
            other => other,
        };
        if let Expr::ListComp(comp) = value {
            let ([generator], Some((call, "apply_async"))) = (comp.generators.as_slice(), pool_method(&comp.elt, pool))
            else {
                return Ok(None);
            };
            let Some((first, n)) = self.range(&generator.iter) else {
                return Err(self.refuse(&generator.iter, tasks_in_a_range()));
            };
            let handles = Some(target.id.to_string());
            return Ok(Some(self.apply_async(call, (first, n), &generator.target, stmt, handles)?));
        }
        let (call, method) = match pool_method(unlisted, pool) {
            Some((call, "map")) => (call, PoolMethod::Map),
            Some((call, "imap_unordered")) if !std::ptr::eq(unlisted, value) => (call, PoolMethod::ImapUnordered),
            Some((call, "imap_unordered")) => {
                let message = said!(
                    "take imap_unordered's results as a list: `list(pool.imap_unordered(f, items))`, so far",
                    "imap_unordered의 결과는 아직 리스트로 받아야 합니다: `list(pool.imap_unordered(f, items))`"
                );
                return Err(self.refuse(call, message));
            }
            Some((call, other)) => {
                let message = said!(
                    "a pool's `{other}` is not supported yet: map, imap_unordered and apply_async",
                    "풀의 `{other}`은(는) 아직 지원하지 않습니다. 지원하는 것은 map, imap_unordered, apply_async입니다"
                );
                return Err(self.refuse(call, message));
            }
            None => return Ok(None),
        };
        let [Expr::Name(f), items] = &call.arguments.args[..] else {
            let message = said!(
                "`map(function, range(N))` takes a function and its items",
                "`map(function, range(N))`에는 함수와 그 항목들을 넘겨야 합니다"
            );
            return Err(self.refuse(call, message));
        };
        let function = self.task_function(f)?;
        let Some((first, n)) = self.range(items) else {
            let message = said!(
                "the items are a `range(N)` with N known before the run, so far",
                "항목은 아직 N을 실행 전에 알 수 있는 `range(N)`이어야 합니다"
            );
            return Err(self.refuse(items, message));
        };
        let mut chunksize = None;
        for keyword in &call.arguments.keywords {
            match keyword.arg.as_ref().map(|a| a.as_str()) {
                Some("chunksize") => {
                    let size = self.int(&keyword.value).filter(|c| *c >= 1).ok_or_else(|| {
                        let message = said!(
                            "a chunksize is a whole number from 1 known before the run",
                            "chunksize는 실행 전에 알 수 있는 1 이상의 정수여야 합니다"
                        );
                        self.refuse(&keyword.value, message)
                    })?;
                    chunksize = Some(size.min(u32::MAX as i64) as u32);
                }
                _ => {
                    let message =
                        said!("only `chunksize=` is supported here so far", "여기서는 아직 `chunksize=`만 지원합니다");
                    return Err(self.refuse(keyword, message));
                }
            }
        }
        Ok(Some(Batch {
            method,
            function,
            tasks: self.task_count(items, n)?,
            first,
            chunksize,
            statement: stmt,
            call,
            callback: None,
            handles: None,
        }))
    }

    /// `pool.apply_async(f, (x,), callback=...)` for each `x` of `range(first, first + n)`,
    /// `x` being the loop's variable `var`.
    fn apply_async<'s>(
        &self,
        call: &'s ast::ExprCall,
        (first, n): (i64, u64),
        var: &Expr,
        stmt: &'s Stmt,
        handles: Option<String>,
    ) -> Result<Batch<'s>, CompileError> {
        let [Expr::Name(f), Expr::Tuple(args)] = &call.arguments.args[..] else {
            let message = said!(
                "`apply_async(function, (x,))` takes a function and a tuple of one item, so far",
                "`apply_async(function, (x,))`에는 아직 함수와 항목 하나짜리 튜플을 넘겨야 합니다"
            );
            return Err(self.refuse(call, message));
        };
        let (Expr::Name(var), [Expr::Name(arg)]) = (var, &args.elts[..]) else {
            return Err(self.refuse(args, one_argument_per_task("x")));
        };
        if arg.id != var.id {
            return Err(self.refuse(arg, one_argument_per_task(&var.id)));
        }
        let mut callback = None;
        for keyword in &call.arguments.keywords {
            match keyword.arg.as_ref().map(|a| a.as_str()) {
                Some("callback") => callback = Some(&keyword.value),
                _ => {
                    let message = said!(
                        "only `callback=` is supported in apply_async so far",
                        "apply_async에서는 아직 `callback=`만 지원합니다"
                    );
                    return Err(self.refuse(keyword, message));
                }
            }
        }
        Ok(Batch {
            method: PoolMethod::ApplyAsync,
            function: self.task_function(f)?,
            tasks: self.task_count(call, n)?,
            first,
            chunksize: None,
            statement: stmt,
            call,
            callback,
            handles,
        })
    }

    fn task_count(&self, node: &impl Ranged, n: u64) -> Result<u32, CompileError> {
        if n > MAX_TASKS {
            let message = said!(
                "a pool's batch holds at most {MAX_TASKS} tasks so far",
                "풀의 한 묶음에는 아직 작업을 최대 {MAX_TASKS}개까지 담을 수 있습니다"
            );
            return Err(self.refuse(node, message));
        }
        Ok(n as u32)
    }

    /// The function a pool's tasks run: a `def` of one parameter.
    fn task_function(&self, f: &ast::ExprName) -> Result<usize, CompileError> {
        match self.m.globals.get(f.id.as_str()) {
            Some(Global::Function(i)) if self.m.functions[*i].parameters.args.len() == 1 => Ok(*i),
            _ => {
                let name = &f.id;
                let message = said!(
                    "`{name}` is not a function of one parameter defined with `def`",
                    "`{name}`은(는) `def`로 정의한, 매개변수가 하나인 함수가 아닙니다"
                );
                Err(self.refuse(f, message))
            }
        }
    }

    /// Places a pool's parts for the statement at `at`, if it hands out a pool's batch, or
    /// reads the handles' results (`[h.get() for h in handles]`): the name it binds then
    /// holds the results; `Ok(false)` when it does neither.
    pub(super) fn pool_batch(&mut self, stmt: &Stmt) -> Result<bool, CompileError> {
        let at = stmt.range().start();
        let line = super::line_of(self.m.source, stmt);
        if let Some((name, open)) = self.pools.iter().find(|(_, p)| p.batch == at) {
            let (name, tasks) = (name.clone(), open.plan.tasks);
            let mut ops = open.parts.submit.clone();
            let scratch = self.scratch(stmt)?;
            ops.extend(open.parts.results.iter().map(|o| result_into(o, scratch)));
            self.extend(ops);
            if let Stmt::Assign(assign) = stmt {
                if let [Expr::Name(target)] = assign.targets.as_slice() {
                    let bound = match &self.pools[&name].handles {
                        Some((handles, _)) => Local::Results { count: 0, handles: Some(handles.clone()) },
                        None => Local::Results { count: tasks, handles: None },
                    };
                    self.locals.insert(target.id.to_string(), bound);
                }
            }
            return Ok(true);
        }
        // `results = [h.get() for h in handles]`.
        let Stmt::Assign(assign) = stmt else { return Ok(false) };
        let ([Expr::Name(target)], Expr::ListComp(comp)) = (assign.targets.as_slice(), assign.value.as_ref()) else {
            return Ok(false);
        };
        let [generator] = comp.generators.as_slice() else { return Ok(false) };
        let Expr::Name(list) = &generator.iter else { return Ok(false) };
        let Some(Local::Results { handles: Some(handles), .. }) = self.locals.get(list.id.as_str()).cloned() else {
            return Ok(false);
        };
        let Some(open) = self.pools.values().find(|p| p.handles.as_ref().is_some_and(|(h, _)| *h == handles)) else {
            return Ok(false);
        };
        let (queue, tasks) = (open.handles.as_ref().expect("found by it").1, open.plan.tasks);
        let scratch = self.scratch(stmt)?;
        let get = OpKind::Get { object: queue, reg: scratch, wait: Wait::Forever };
        self.extend((0..tasks).map(|_| Op { kind: get.clone(), line }).collect());
        self.locals.insert(target.id.to_string(), Local::Results { count: tasks, handles: None });
        Ok(true)
    }

    /// `pool.close()` (each worker's sentinel) and `pool.join()` (waits for the workers
    /// and the result handler); `Ok(false)` when `call` is on no open pool.
    pub(super) fn pool_call(&mut self, call: &ast::ExprCall) -> Result<bool, CompileError> {
        let Expr::Attribute(attr) = call.func.as_ref() else { return Ok(false) };
        let Expr::Name(owner) = attr.value.as_ref() else { return Ok(false) };
        let Some(open) = self.pools.get_mut(owner.id.as_str()) else { return Ok(false) };
        let line = super::line_of(self.m.source, call);
        let wanted: fn(&OpKind) -> bool = match attr.attr.as_str() {
            "close" => |k| matches!(k, OpKind::Put { .. }),
            "join" => |k| matches!(k, OpKind::Join { .. }),
            other => {
                let message = said!(
                    "a pool's `{other}()` here is not supported yet: close() and join()",
                    "여기서 풀의 `{other}()`은(는) 아직 지원하지 않습니다. 지원하는 것은 close()와 join()입니다"
                );
                return Err(super::refuse(self.m.source, call, message));
            }
        };
        match attr.attr.as_str() {
            "close" => open.closed = true,
            _ if !open.closed => {
                let message = said!(
                    "ValueError: Pool is still running: call close() first",
                    "먼저 close()를 호출해야 합니다. Python에서는 이 오류가 납니다: ValueError: Pool is still running"
                );
                return Err(super::refuse(self.m.source, call, message));
            }
            _ => {}
        }
        let ops: Vec<Op> =
            open.parts.shutdown.iter().filter(|o| wanted(&o.kind)).map(|o| Op { kind: o.kind.clone(), line }).collect();
        self.extend(ops);
        Ok(true)
    }

    /// The task: `f`'s body with its parameter the item (counted from `first`) and its
    /// `return` the result. The item is copied first where the body changes it or the
    /// items do not start at 0 (the pool's own count of its chunk must stay as it is).
    fn pool_task(&mut self, f: usize, first: i64, line: u32) -> Result<Vec<Op>, CompileError> {
        let def = self.m.functions[f];
        let param = def.parameters.args[0].parameter.name.to_string();
        let copied = first != 0 || super::syntax::stores_of(&def.body, &param) > 0;
        let (item, used, mut ops) = match copied {
            false => (ITEM, TASK_REGS[0].0, Vec::new()),
            true => {
                let x = TASK_REGS[0];
                let mut ops = vec![
                    Op { kind: OpKind::Set { reg: x, value: 0 }, line },
                    Op { kind: OpKind::Arith { reg: x, op: Arith::Add, value: Operand::Reg(ITEM) }, line },
                ];
                if first != 0 {
                    ops.push(Op { kind: OpKind::Add { reg: x, value: first }, line });
                }
                (x, TASK_REGS[1].0, ops)
            }
        };
        // A worker process's main thread: its names are its own (ForkPoolWorker-N).
        let thread = self.m.current_thread.replace("MainThread".into());
        let process = self.m.current_process.replace("ForkPoolWorker".into());
        // Whichever worker runs it: its pid is not known before the run.
        let pid = self.m.current_pid.take();
        let body = Body::task(self.m, f, vec![(param, item)], used, Some(RESULT));
        (self.m.current_thread, self.m.current_process, self.m.current_pid) = (thread, process, pid);
        // The body's jumps count from the task's start: moved past the copy.
        ops.extend(offset_jumps(&body?, ops.len()));
        Ok(ops)
    }

    /// The callback's operations, run by the result handler with the result in register 0:
    /// `queue.put` of a queue, or a `def` of one parameter.
    fn pool_callback(&mut self, callback: &Expr, line: u32) -> Result<Vec<Op>, CompileError> {
        if let Expr::Attribute(attr) = callback {
            if let (Expr::Name(owner), "put") = (attr.value.as_ref(), attr.attr.as_str()) {
                if let Some(Handle::Object(queue)) = self.handle(owner.id.as_str()) {
                    if matches!(self.m.objects[queue.0 as usize].kind, ObjectKind::Queue { .. }) {
                        return Ok(vec![Op { kind: put_result(queue), line }]);
                    }
                }
            }
        }
        let Expr::Name(f) = callback else {
            let message = said!(
                "a callback is a queue's `put` or a function of one parameter, so far",
                "callback은 아직 큐의 `put`이거나 매개변수가 하나인 함수여야 합니다"
            );
            return Err(self.refuse(callback, message));
        };
        let f = self.task_function(f)?;
        let param = self.m.functions[f].parameters.args[0].parameter.name.to_string();
        Body::task(self.m, f, vec![(param, Reg(0))], 1, None)
    }

    /// The engine's pool added to the module's processes, threads and objects.
    fn add_pool(&mut self, plan: &PoolPlan, task: &[Op], callback: &[Op], lines: PoolLines) -> PoolParts {
        let main = super::scope::main_process();
        let placeholder = ActorDef {
            name: String::new(),
            process: ProcessId(0),
            role: ActorRole::ProcessMain,
            daemon: false,
            ops: vec![],
        };
        let mut program = Program {
            source: String::new(),
            processes: std::iter::once(main).chain(std::mem::take(&mut self.m.processes)).collect(),
            actors: std::iter::once(placeholder).chain(std::mem::take(&mut self.m.threads)).collect(),
            objects: std::mem::take(&mut self.m.objects),
            switch_interval: None,
        };
        let processes_before = program.processes.len() - 1;
        let parts = add_pool(&mut program, plan, task, callback, lines);
        // Named as CPython names them: workers by the start method, numbered on from the
        // processes made before; the pool's three threads take the next three thread numbers.
        let kind = if plan.start_method == StartMethod::Spawn { "Spawn" } else { "Fork" };
        for (i, worker) in parts.workers.iter().enumerate() {
            let name = format!("{kind}PoolWorker-{}", processes_before + i + 1);
            let actor = &mut program.actors[worker.0 as usize];
            program.processes[actor.process.0 as usize].name = name.clone();
            actor.name = name;
        }
        if let Some(handler) = parts.handler {
            program.actors[handler.0 as usize].name =
                format!("Thread-{} (_handle_results)", self.m.unnamed_threads + 3);
        }
        self.m.unnamed_threads += 3;
        self.m.processes = program.processes.split_off(1);
        self.m.threads = program.actors.split_off(1);
        self.m.objects = program.objects;
        parts
    }
}

/// Why tasks not over a `range(N)` known before the run are refused.
fn tasks_in_a_range() -> Prose {
    said!(
        "the tasks are a `range(N)` with N known before the run",
        "작업은 N을 실행 전에 알 수 있는 `range(N)`이어야 합니다"
    )
}

/// Why a task's argument other than the loop's own variable `var` is refused.
fn one_argument_per_task(var: &str) -> Prose {
    said!(
        "one argument per task, the loop's own `({var},)`, so far",
        "작업마다 인자는 아직 반복문 변수 하나로 된 `({var},)` 형태여야 합니다"
    )
}

/// `callback=queue.put`: the result (in register 0) put on the queue.
fn put_result(queue: ObjectId) -> OpKind {
    OpKind::Put { object: queue, value: Operand::Reg(Reg(0)), wait: Wait::Forever }
}

/// A result `Get` of the pool's, into `reg` (the engine's pool names register 0).
fn result_into(op: &Op, reg: Reg) -> Op {
    match &op.kind {
        OpKind::Get { object, wait, .. } => {
            Op { kind: OpKind::Get { object: *object, reg, wait: *wait }, line: op.line }
        }
        other => Op { kind: other.clone(), line: op.line },
    }
}

/// The pool's shutdown, every operation on `line`.
fn shutdown_on(ops: Vec<Op>, line: u32) -> Vec<Op> {
    ops.into_iter().map(|o| Op { kind: o.kind, line }).collect()
}

/// `pool.METHOD(...)`: the call and METHOD.
fn pool_method<'e>(expr: &'e Expr, pool: &str) -> Option<(&'e ast::ExprCall, &'e str)> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Attribute(attr) = call.func.as_ref() else { return None };
    let Expr::Name(owner) = attr.value.as_ref() else { return None };
    (owner.id.as_str() == pool).then_some((call, attr.attr.as_str()))
}
