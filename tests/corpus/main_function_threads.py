# The main thread's work in a main() called under the main guard, as tutorials write it.
import threading

counter = 0
lock = threading.Lock()


def worker(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


def main():
    threads = []
    for i in range(4):
        t = threading.Thread(target=worker, args=(1000,))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    print(f"counter = {counter}")


if __name__ == "__main__":
    main()
