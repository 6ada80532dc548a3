from maillon.cli import main

main()
