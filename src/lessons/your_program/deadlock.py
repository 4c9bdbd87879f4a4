# Two transfers take the two account locks in opposite orders: each holds one and waits
# for the other, for ever.
import threading
import time

alice = threading.Lock()
bob = threading.Lock()
balance_a = 100
balance_b = 100


def pay_bob():
    global balance_a, balance_b
    with alice:
        time.sleep(0.01)  # long enough for the other transfer to take bob
        with bob:
            balance_a -= 10
            balance_b += 10


def pay_alice():
    global balance_a, balance_b
    with bob:
        time.sleep(0.01)
        with alice:
            balance_b -= 20
            balance_a += 20


t1 = threading.Thread(target=pay_bob)
t2 = threading.Thread(target=pay_alice)
t1.start()
t2.start()
t1.join()
t2.join()
print(f"alice {balance_a}, bob {balance_b}")
