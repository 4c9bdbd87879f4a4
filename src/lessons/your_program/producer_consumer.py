# A producer and a consumer share a buffer of 2 under a Condition.
import threading
import time

CAPACITY, ITEMS = 2, 6
count = 0
cond = threading.Condition()


def producer():
    global count
    for _ in range(ITEMS):
        with cond:
            while count == CAPACITY:
                cond.wait()
            count += 1
            print(f"put ({count} in the buffer)")
            cond.notify_all()


def consumer():
    global count
    for _ in range(ITEMS):
        with cond:
            while count == 0:
                cond.wait()
            count -= 1
            print(f"got ({count} in the buffer)")
            cond.notify_all()
        time.sleep(0.01)


p = threading.Thread(target=producer)
c = threading.Thread(target=consumer)
p.start()
c.start()
p.join()
c.join()
print(f"left in the buffer: {count}")
