#pragma once

#include <QList>
#include <QtGlobal>

class QSocketNotifier;

namespace kiket {

/// What a SocketPoller calls when a descriptor it watches is ready.
class PollClient
{
public:
    virtual void socketReadable() = 0;
    virtual void socketWritable() = 0;

protected:
    ~PollClient() = default;
};

/// The sockets of one thread behind one epoll descriptor. The event loop then watches that one
/// descriptor, not one per socket: Qt's loop polls every descriptor it watches on each pass,
/// which costs as much as the work itself once a listener holds a hundred connections.
/// Readiness is level-triggered, as with QSocketNotifier.
class SocketPoller
{
public:
    enum Interest : quint8 { None = 0, Read = 1, Write = 2 };

    /// The calling thread's poller, made on first use; each acquire() is paired with release() on
    /// the same thread.
    static SocketPoller *acquire();
    void release();

    /// Starts watching a descriptor, for nothing yet.
    void add(int fd, PollClient *client);
    /// Stops watching it; call before closing it. Pending readiness is dropped.
    void remove(int fd);
    /// Which kinds of readiness to report; the client is not called for the others.
    void setInterest(int fd, quint8 interest);
    quint8 interest(int fd) const { return m_slots[fd].interest; }

private:
    SocketPoller();
    ~SocketPoller();
    void dispatch();

    struct Slot
    {
        PollClient *client = nullptr;
        quint32 generation = 0; ///< Tells a reused descriptor from the one an event was for.
        quint8 interest = None;
    };
    Slot *live(quint64 data);

    int m_epoll = -1;
    int m_users = 0;
    QSocketNotifier *m_notifier = nullptr;
    QList<Slot> m_slots; ///< Indexed by descriptor.
};

} // namespace kiket
