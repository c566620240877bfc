# What the workbench needs beyond the SDK's Qt Core/Network/Test, OpenSSL and yaml-cpp.
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Network HttpServer Sql Test Widgets Charts)
find_package(SQLite3 REQUIRED) # the same libsqlite3 as Qt's SQLite driver: captures are inserted through its API
find_package(Qt6Keychain REQUIRED) # Debian qtkeychain-qt6-dev: the OS keychain for local secrets
# QScintilla (Debian libqscintilla2-qt6-dev) ships no CMake package: headers and library by hand.
find_path(QSCINTILLA_INCLUDE_DIR Qsci/qsciscintilla.h
  PATH_SUFFIXES ${CMAKE_LIBRARY_ARCHITECTURE}/qt6 qt6 REQUIRED)
find_library(QSCINTILLA_LIBRARY NAMES qscintilla2_qt6 REQUIRED)
add_library(QScintilla::QScintilla UNKNOWN IMPORTED)
set_target_properties(QScintilla::QScintilla PROPERTIES IMPORTED_LOCATION ${QSCINTILLA_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${QSCINTILLA_INCLUDE_DIR})
