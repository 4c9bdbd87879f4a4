# Threads made and started in a loop, each with its own argument, then joined in turn.
import threading

results = 0
lock = threading.Lock()


def square(k):
    global results
    with lock:
        results += k * k


for k in range(1, 5):
    t = threading.Thread(target=square, args=(k,), name=f"square-{k}")
    t.start()
    t.join()
print(f"sum of squares: {results}")
