# A consumer waits on a Condition with a timeout; the producer notifies only on its second
# round, so the first wait times out and the second is woken.
import threading
import time

cond = threading.Condition()
items = 0


def consumer():
    global items
    with cond:
        cond.wait(0.02)
        print(f"first wait over: {items} item(s)")
        cond.wait(1)
        print(f"second wait over: {items} item(s)")


def producer():
    global items
    time.sleep(0.05)
    with cond:
        items += 1
        cond.notify()


c = threading.Thread(target=consumer)
p = threading.Thread(target=producer)
c.start()
p.start()
c.join()
p.join()
