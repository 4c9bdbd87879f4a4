# The main thread does not wait: its own line comes first, the threads' after.
import threading
import time


def late(k):
    time.sleep(0.01 * k)
    print(f"thread {k} finished")


for_two = [threading.Thread(target=late, args=(k,)) for k in range(1, 3)]
for t in for_two:
    t.start()
print("main is done already")
