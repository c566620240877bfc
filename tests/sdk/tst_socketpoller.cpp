// One epoll descriptor per thread for all its sockets: each readiness reaches the right socket,
// sockets may come and go while a pass is under way, and a socket watched for nothing is left
// alone.
#include "peersocket.h"
#include "socketpoller.h"

#include <QAbstractEventDispatcher>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>
#include <sys/socket.h>
#include <unistd.h>

using namespace kiket;

namespace {

// One end of a socket pair, watched through the poller; counts what it is told.
class Watched : public PollClient
{
public:
    explicit Watched(int fd)
        : fd(fd)
        , poller(SocketPoller::acquire())
    {
        poller->add(fd, this);
    }
    ~Watched()
    {
        poller->remove(fd);
        ::close(fd);
        poller->release();
    }
    void socketReadable() override
    {
        ++readable;
        if (onReadable)
            onReadable();
    }
    void socketWritable() override { ++writable; }

    int fd;
    SocketPoller *poller;
    int readable = 0;
    int writable = 0;
    std::function<void()> onReadable;
};

std::pair<int, int> socketPair()
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0)
        qFatal("socketpair failed");
    return { fds[0], fds[1] };
}

void sendByte(int fd)
{
    QCOMPARE(::send(fd, "x", 1, MSG_NOSIGNAL), ssize_t(1));
}

// Lets the event loop take a few passes.
void spin()
{
    for (int i = 0; i < 5; ++i)
        QTest::qWait(10);
}

} // namespace

class TestSocketPoller : public QObject
{
    Q_OBJECT

private slots:
    void eachSocketHearsOnlyOfItself()
    {
        std::vector<std::unique_ptr<Watched>> watched;
        std::vector<int> peers;
        for (int i = 0; i < 100; ++i) {
            const auto [mine, theirs] = socketPair();
            watched.push_back(std::make_unique<Watched>(mine));
            watched.back()->poller->setInterest(mine, SocketPoller::Read);
            peers.push_back(theirs);
        }
        for (int i = 0; i < 100; i += 3)
            sendByte(peers[i]);
        QTRY_COMPARE(watched[99]->readable > 0, true);
        for (int i = 0; i < 100; ++i) {
            char byte;
            if (i % 3 == 0) {
                QVERIFY2(watched[i]->readable > 0, qPrintable(QString::number(i)));
                QCOMPARE(::recv(watched[i]->fd, &byte, 1, 0), ssize_t(1));
            } else {
                QCOMPARE(watched[i]->readable, 0);
            }
            QCOMPARE(watched[i]->writable, 0);
        }
        for (int fd : peers)
            ::close(fd);
    }

    void aSocketClosedDuringAPassMissesItsTurnAndItsDescriptorsNextOwnerIsNotCalled()
    {
        const auto [aFd, aPeer] = socketPair();
        const auto [bFd, bPeer] = socketPair();
        auto a = std::make_unique<Watched>(aFd);
        auto b = std::make_unique<Watched>(bFd);
        a->poller->setInterest(aFd, SocketPoller::Read);
        b->poller->setInterest(bFd, SocketPoller::Read);
        std::unique_ptr<Watched> reborn;
        int spare = -1;
        // Whichever is called first closes the other and opens a socket on its descriptor number.
        const auto replace = [&](std::unique_ptr<Watched> &other) {
            if (reborn || !other)
                return;
            const int number = other->fd;
            other.reset();
            const auto [mine, theirs] = socketPair();
            QCOMPARE(mine, number); // the lowest free number: the one just closed
            spare = theirs;
            reborn = std::make_unique<Watched>(mine);
            reborn->poller->setInterest(mine, SocketPoller::Read | SocketPoller::Write);
        };
        a->onReadable = [&] { replace(b); };
        b->onReadable = [&] { replace(a); };
        sendByte(aPeer);
        sendByte(bPeer);
        QTRY_VERIFY(reborn);
        // The event that was for the old socket on that number did not reach the new one: it has
        // heard only of the room to write it really has, on a later pass.
        QTRY_VERIFY(reborn->writable > 0);
        QCOMPARE(reborn->readable, 0);
        ::close(aPeer);
        ::close(bPeer);
        ::close(spare);
    }

    void aSocketWatchedForNothingIsNotCalledEvenWhenItsPeerHasGone()
    {
        const auto [mine, theirs] = socketPair();
        Watched watched(mine);
        watched.poller->setInterest(mine, SocketPoller::Read);
        watched.onReadable = [&] { watched.poller->setInterest(mine, SocketPoller::None); };
        ::close(theirs);
        QTRY_COMPARE(watched.readable, 1);
        // Nor is the loop woken for it: a level-triggered hang-up left watched would wake it on
        // every pass, thousands of times while the timers below wait.
        QSignalSpy wakes(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::awake);
        spin();
        QVERIFY2(wakes.count() < 500, qPrintable(QString::number(wakes.count())));
        QCOMPARE(watched.readable, 1);
        QCOMPARE(watched.writable, 0);
        // Watched again, the hang-up is still there to be read.
        watched.poller->setInterest(mine, SocketPoller::Read);
        QTRY_COMPARE(watched.readable, 2);
    }

    void theLastSocketMayBeDeletedFromItsOwnSignal()
    {
        const auto [mine, theirs] = socketPair();
        auto *socket = new PeerSocket(mine);
        bool deleted = false;
        connect(socket, &QObject::destroyed, this, [&] { deleted = true; });
        connect(socket, &PeerSocket::readyRead, socket, [socket] { delete socket; });
        sendByte(theirs);
        QTRY_VERIFY(deleted);
        ::close(theirs);
        // A socket made afterwards gets a poller of its own and works.
        const auto [again, peer] = socketPair();
        PeerSocket second(again);
        QSignalSpy readyRead(&second, &PeerSocket::readyRead);
        sendByte(peer);
        QTRY_COMPARE(readyRead.count(), 1);
        QCOMPARE(second.read(10), QByteArray("x"));
        ::close(peer);
    }

    void eachThreadHasItsOwnPoller()
    {
        SocketPoller *mine = SocketPoller::acquire();
        SocketPoller *theirs = nullptr;
        std::unique_ptr<QThread> thread(QThread::create([&] {
            theirs = SocketPoller::acquire();
            theirs->release();
        }));
        thread->start();
        QVERIFY(thread->wait(5000));
        QVERIFY(theirs);
        QVERIFY(theirs != mine);
        QCOMPARE(SocketPoller::acquire(), mine);
        mine->release();
        mine->release();
    }
};

QTEST_GUILESS_MAIN(TestSocketPoller)
#include "tst_socketpoller.moc"
