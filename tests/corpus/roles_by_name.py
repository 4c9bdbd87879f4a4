# One function, two roles: the thread named "sender" signals, the other waits for it.
import threading
import time

ready = threading.Event()


def send():
    time.sleep(0.02)
    print("sender: sending the signal")
    ready.set()


def receive():
    ready.wait()
    print("receiver: got the signal")


def role():
    send() if threading.current_thread().name == "sender" else receive()


s = threading.Thread(target=role, name="sender")
r = threading.Thread(target=role, name="receiver")
r.start()
s.start()
s.join()
r.join()
print("done")
