from aistack.main import main

raise SystemExit(main())
