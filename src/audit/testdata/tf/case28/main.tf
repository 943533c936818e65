resource "aws_security_group" "stateless_habit" {
  name = "stateless-habit"

  ingress {
    from_port   = 1024
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
