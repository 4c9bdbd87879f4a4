# Workers wait for one signal, then go; main sets it after a pause.
import threading
import time

go = threading.Event()


def runner(k):
    go.wait()
    time.sleep(0.01 * k)  # they finish one by one, in order
    print(f"runner {k} done")


runners = [threading.Thread(target=runner, args=(k,)) for k in range(1, 4)]
for r in runners:
    r.start()
time.sleep(0.05)
print("ready, set, go")
go.set()
for r in runners:
    r.join()
print("all done")
