from pathlib import PureWindowsPath

from aistack.paths import Env


def test_linux_dirs_follow_xdg():
    env = Env(home="/home/u", environ={"XDG_CONFIG_HOME": "/cfg"}, platform="linux")
    assert str(env.config_dir()) == "/cfg/aistack"
    assert str(env.data_dir()) == "/home/u/.local/share/aistack"
    assert str(env.cache_dir()) == "/home/u/.cache/aistack"


def test_macos_dirs():
    env = Env(home="/Users/u", environ={}, platform="darwin")
    assert str(env.config_dir()) == "/Users/u/Library/Application Support/aistack"
    assert str(env.cache_dir()) == "/Users/u/Library/Caches/aistack"


def test_windows_dirs():
    env = Env(home="C:\\Users\\u", environ={"APPDATA": "C:\\Users\\u\\AppData\\Roaming"}, platform="win32")
    assert env.config_dir() == PureWindowsPath("C:/Users/u/AppData/Roaming/aistack")
    assert env.data_dir() == PureWindowsPath("C:/Users/u/AppData/Local/aistack")
    assert env.under_home(".cursor", "mcp.json") == PureWindowsPath("C:/Users/u/.cursor/mcp.json")


def test_overrides():
    env = Env(home="/h", environ={"AISTACK_CONFIG_DIR": "/x", "AISTACK_DATA_DIR": "/y", "AISTACK_CACHE_DIR": "/z"})
    assert (str(env.config_dir()), str(env.data_dir()), str(env.cache_dir())) == ("/x", "/y", "/z")
