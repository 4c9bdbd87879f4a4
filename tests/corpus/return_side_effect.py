import queue
import threading

q = queue.Queue()


def take():
    return q.get()


q.put(1)
q.put(2)
t = threading.Thread(target=take)
t.start()
t.join()
print(q.get())
