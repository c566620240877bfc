#include "socketpoller.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <unistd.h>

namespace kiket {

namespace {

thread_local SocketPoller *t_poller = nullptr;
thread_local quint32 t_nextGeneration = 0;

constexpr int kEventsPerPass = 64;

quint64 dataFor(int fd, quint32 generation)
{
    return (quint64(generation) << 32) | quint32(fd);
}

} // namespace

SocketPoller *SocketPoller::acquire()
{
    if (!t_poller)
        t_poller = new SocketPoller;
    ++t_poller->m_users;
    return t_poller;
}

void SocketPoller::release()
{
    Q_ASSERT(t_poller == this); // on the thread that acquired it
    if (--m_users > 0)
        return;
    t_poller = nullptr;
    delete this;
}

SocketPoller::SocketPoller()
    : m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epoll < 0)
        qFatal("epoll_create1 failed: %s", strerror(errno));
    m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read);
    QObject::connect(m_notifier, &QSocketNotifier::activated, [this] { dispatch(); });
}

SocketPoller::~SocketPoller()
{
    delete m_notifier;
    ::close(m_epoll);
}

void SocketPoller::add(int fd, PollClient *client)
{
    if (fd >= m_slots.size())
        m_slots.resize(fd + 1);
    m_slots[fd] = Slot { client, ++t_nextGeneration, None };
}

void SocketPoller::remove(int fd)
{
    setInterest(fd, None);
    m_slots[fd] = Slot {};
}

void SocketPoller::setInterest(int fd, quint8 interest)
{
    Slot &slot = m_slots[fd];
    if (slot.interest == interest)
        return;
    // Watching for nothing means leaving the set: epoll reports hang-ups and errors regardless,
    // and a level-triggered hang-up nobody reads would wake the loop again and again.
    epoll_event event {};
    event.events = ((interest & Read) ? EPOLLIN : 0u) | ((interest & Write) ? EPOLLOUT : 0u);
    event.data.u64 = dataFor(fd, slot.generation);
    const int op = slot.interest == None ? EPOLL_CTL_ADD
        : interest == None               ? EPOLL_CTL_DEL
                                         : EPOLL_CTL_MOD;
    ::epoll_ctl(m_epoll, op, fd, &event);
    slot.interest = interest;
}

SocketPoller::Slot *SocketPoller::live(quint64 data)
{
    const int fd = int(quint32(data));
    if (fd >= m_slots.size())
        return nullptr;
    Slot &slot = m_slots[fd];
    return slot.client && slot.generation == quint32(data >> 32) ? &slot : nullptr;
}

void SocketPoller::dispatch()
{
    // A client called here may close or open other sockets, so each event is checked against the
    // slots as they are when its turn comes; and the poller stays until the pass is over.
    ++m_users;
    epoll_event events[kEventsPerPass];
    const int count = ::epoll_wait(m_epoll, events, kEventsPerPass, 0);
    for (int i = 0; i < count; ++i) {
        const quint64 data = events[i].data.u64;
        const bool failed = events[i].events & (EPOLLERR | EPOLLHUP);
        Slot *slot = live(data);
        if (slot && (slot->interest & Read) && (failed || (events[i].events & EPOLLIN)))
            slot->client->socketReadable();
        slot = live(data);
        if (slot && (slot->interest & Write) && (failed || (events[i].events & EPOLLOUT)))
            slot->client->socketWritable();
    }
    if (m_users == 1) { // the last socket went during the pass: the notifier is still signalling
        m_notifier->setEnabled(false);
        m_notifier->deleteLater();
        m_notifier = nullptr;
    }
    release();
}

} // namespace kiket
