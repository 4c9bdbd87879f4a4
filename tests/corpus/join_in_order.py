# The main thread joins three sleepers in turn: each join waits only as long as that
# thread still has to run, so the whole takes the longest sleep, not the sum.
import threading
import time


def sleeper(k):
    time.sleep(0.01 * k)
    print(f"sleeper {k} wakes")


sleepers = [threading.Thread(target=sleeper, args=(k,), name=f"s{k}") for k in range(1, 4)]
for s in sleepers:
    s.start()
joined = 0
for s in sleepers:
    s.join()
    joined += 1
    print(f"joined {joined}")
