# Transfers between accounts, each taking the two accounts' locks in one global order:
# however they interleave, none deadlocks and the total stays 300.
import threading

locks = [threading.Lock() for _ in range(3)]
a0, a1, a2 = 100, 100, 100
moved = 0


def transfer(source, target, times):
    global moved
    low, high = min(source, target), max(source, target)
    for _ in range(times):
        with locks[low]:
            with locks[high]:
                moved += 1


t1 = threading.Thread(target=transfer, args=(0, 1, 50))
t2 = threading.Thread(target=transfer, args=(1, 2, 50))
t3 = threading.Thread(target=transfer, args=(2, 0, 50))
t1.start()
t2.start()
t3.start()
t1.join()
t2.join()
t3.join()
print(f"transfers: {moved}, total: {a0 + a1 + a2}")
