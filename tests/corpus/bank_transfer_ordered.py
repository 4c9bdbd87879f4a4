# The same two transfers, both taking alice's lock first: no cycle, so no deadlock.
import threading
import time

alice = threading.Lock()
bob = threading.Lock()
balance_a = 100
balance_b = 100


def pay_bob():
    global balance_a, balance_b
    with alice:
        time.sleep(0.01)
        with bob:
            balance_a -= 10
            balance_b += 10


def pay_alice():
    global balance_a, balance_b
    with alice:
        time.sleep(0.01)
        with bob:
            balance_b -= 20
            balance_a += 20


t1 = threading.Thread(target=pay_bob)
t2 = threading.Thread(target=pay_alice)
t1.start()
t2.start()
t1.join()
t2.join()
print(f"alice {balance_a}, bob {balance_b}")
