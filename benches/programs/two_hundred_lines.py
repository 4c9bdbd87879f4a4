# A 200-line program for the compiler's benchmark: twelve workers, each with its own
# loop under a shared lock and its prints, started together on a signal and joined.
import threading
import time

ROUNDS, PAUSE = 50, 0.0001
total = 0
lock = threading.Lock()
ready = threading.Event()


def worker_1(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 1: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 1 done")


def worker_2(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 2: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 2 done")


def worker_3(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 3: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 3 done")


def worker_4(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 4: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 4 done")


def worker_5(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 5: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 5 done")


def worker_6(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 6: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 6 done")


def worker_7(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 7: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 7 done")


def worker_8(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 8: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 8 done")


def worker_9(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 9: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 9 done")


def worker_10(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 10: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 10 done")


def worker_11(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 11: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 11 done")


def worker_12(n, step):
    global total
    ready.wait()
    i = 0
    while i < n:
        with lock:
            total += step
        if i == 25:
            print(f"worker 12: halfway")
        i += 1
    time.sleep(PAUSE)
    print(f"worker 12 done")


t1 = threading.Thread(target=worker_1, args=(ROUNDS, 1))
t2 = threading.Thread(target=worker_2, args=(ROUNDS, 2))
t3 = threading.Thread(target=worker_3, args=(ROUNDS, 3))
t4 = threading.Thread(target=worker_4, args=(ROUNDS, 4))
t5 = threading.Thread(target=worker_5, args=(ROUNDS, 5))
t6 = threading.Thread(target=worker_6, args=(ROUNDS, 6))
t7 = threading.Thread(target=worker_7, args=(ROUNDS, 7))
t8 = threading.Thread(target=worker_8, args=(ROUNDS, 8))
t9 = threading.Thread(target=worker_9, args=(ROUNDS, 9))
t10 = threading.Thread(target=worker_10, args=(ROUNDS, 10))
t11 = threading.Thread(target=worker_11, args=(ROUNDS, 11))
t12 = threading.Thread(target=worker_12, args=(ROUNDS, 12))
t1.start()
t2.start()
t3.start()
t4.start()
t5.start()
t6.start()
t7.start()
t8.start()
t9.start()
t10.start()
t11.start()
t12.start()
ready.set()
t1.join()
t2.join()
t3.join()
t4.join()
t5.join()
t6.join()
t7.join()
t8.join()
t9.join()
t10.join()
t11.join()
t12.join()
print(f"total = {total}")
