# Two threads each make 100 deposits into one balance. A deposit reads the balance,
# waits a moment (as any I/O would, and the other thread runs meanwhile), then writes
# back what it read plus one: deposits the other thread made in between are lost.
import threading
import time

balance = 0


def deposit_many():
    global balance
    for _ in range(100):
        current = balance
        time.sleep(0.0001)
        balance = current + 1


threads = [threading.Thread(target=deposit_many) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"balance = {balance} (expected 200)")
